"""Compares a peer's released CSV with ODP's: the same number of rows, and in each row the
same key and the same desensitized values (pseudonym, masks, district, year-month, redacted
text). Other columns may differ in formatting only, so they are not compared. Exit 0 and
no output when they agree; else exit 1 and one line saying what differs."""
import csv
import sys

COLUMNS = ["uscc", "operator_name", "id_number", "mobile", "address", "reg_date", "industry", "scope"]


def rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        at = [header.index(name) for name in COLUMNS]
        for row in reader:
            yield [row[i] for i in at]


def main(odp, peer):
    n = 0
    a_rows, b_rows = rows(odp), rows(peer)
    while True:
        a, b = next(a_rows, None), next(b_rows, None)
        if a is None or b is None:
            if a is not None or b is not None:
                rest = 1 + sum(1 for _ in (a_rows if a is not None else b_rows))
                print(f"row counts differ: {'ODP' if a is not None else 'the peer'} has {rest} more rows after {n}")
                return 1
            return 0
        n += 1
        if a != b:
            i = next(k for k in range(len(COLUMNS)) if a[k] != b[k])
            print(f"row {n}: {COLUMNS[i]} differs: ODP {a[i]!r}, peer {b[i]!r}")
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
