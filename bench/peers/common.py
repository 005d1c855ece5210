"""What the polars and DuckDB jobs share: the arguments, the definition's constants, the
pseudonym (HMAC-SHA256, ODP's pseudonym format 2), and the packaging steps a user scripts
around either tool (`sha256sum`, `zip -6`) with the job's report for odp-bench."""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import resource
import subprocess

DATASET = "bench-market"
# GB 32100 (统一社会信用代码) and GB 11643 (身份证号) check characters.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
MOBILE = r"^1[3-9][0-9]{9}$"
# The identifiers `redact` replaces inside free text: ID numbers, mobiles, landlines, e-mail.
REDACT = r"[1-9][0-9]{16}[0-9Xx]|(?:\+86)?1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
MARKER = "[已脱敏]"
K = 5
QUASI = ["address", "reg_date", "industry"]
DISTRICT = r"^(.*?(?:市|自治州|盟|地区).*?[区县旗市])"
PSEUDONYM_PREFIX = "P"
PSEUDONYM_BYTES = 16
LETTERS = str.maketrans("0123456789abcdef", "bcdfghjkmnprstvz")


def arguments():
    p = argparse.ArgumentParser()
    for name in ("--table", "--codes", "--key-file", "--key-id", "--out", "--report"):
        p.add_argument(name, required=True)
    a = p.parse_args()
    with open(a.key_file, encoding="utf-8") as f:
        a.key = f.read().rstrip("\r\n").encode()
    with open(os.path.join(a.codes, "gb2260-2024.txt"), encoding="utf-8") as f:
        a.region_codes = [line.split()[0] for line in f if line.strip()]
    a.today = datetime.date.today().isoformat()
    a.csv = os.path.join(a.out, DATASET + ".csv")
    return a


def pseudonymizer(key, key_id):
    """HMAC-SHA256(key, key id ‖ 0x1F ‖ value), the first 16 bytes in letters; None stays None."""
    base = hmac.new(key, key_id.encode() + b"\x1f", hashlib.sha256)

    def one(value):
        if value is None:
            return None
        h = base.copy()
        h.update(value.encode())
        return PSEUDONYM_PREFIX + h.hexdigest()[: 2 * PSEUDONYM_BYTES].translate(LETTERS)

    return one


def package_and_report(a, rows):
    """`sha256sum` and `zip -6` of the CSV, as a user's script would, then the report."""
    name = os.path.basename(a.csv)
    with open(os.path.join(a.out, "SHA256SUMS"), "wb") as sums:
        subprocess.run(["sha256sum", name], cwd=a.out, stdout=sums, check=True)
    subprocess.run(["zip", "-6", "-q", DATASET + ".zip", name, "SHA256SUMS"], cwd=a.out, check=True)
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time (user + system, with sha256sum's and zip's): on a shared machine it says more than wall time.
    cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    with open(a.report, "w") as f:
        json.dump({"rows": rows, "peak_rss_bytes": max(me.ru_maxrss, children.ru_maxrss) * 1024, "cpu_seconds": cpu}, f)
