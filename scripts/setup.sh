#!/usr/bin/env bash
# Installs what ODP needs on a fresh Debian machine with Swift 6 (idempotent, quiet when
# everything is there). `setup.sh` = build and run; `setup.sh --test` adds test peers.
set -euo pipefail

packages=(pkg-config libsqlite3-dev libpq-dev libdeflate-dev zlib1g-dev libzstd-dev libcurl4-openssl-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql zip unzip openssh-server openssh-client vsftpd python3-venv chromium chromium-driver fonts-noto-cjk wrk nodejs)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  # Validators the tests run against our outputs (Frictionless, SHACL for DCAT-AP).
  command -v pyshacl >/dev/null 2>&1 || pip install -q pyshacl >&2
  python3 -c "import frictionless, ijson" >/dev/null 2>&1 || pip install -q "frictionless[json]" >&2
  # The Parquet readers researchers use, kept in their own venv (made once, then reused), so
  # the read-back tests check our files with pyarrow, DuckDB and polars themselves, and
  # frictionless[parquet] (fastparquet) validates a Parquet resource against its schema;
  # feedparser, a real feed reader, reads the portal's Atom feeds; openapi-spec-validator
  # checks the portal's /api/openapi.json.
  venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-test"
  # kubernetes-validate checks deploy/kubernetes/ against the Kubernetes schemas it ships
  # (offline), for KubernetesManifestTests.
  if ! "$venv/bin/python" -c "import pyarrow, duckdb, polars, fastparquet, frictionless, kubernetes_validate, feedparser, openapi_spec_validator" >/dev/null 2>&1; then
    echo "setup: installing pyarrow, duckdb, polars, frictionless[parquet], kubernetes-validate, feedparser and openapi-spec-validator into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q pyarrow duckdb polars pandas "frictionless[parquet]" kubernetes-validate feedparser openapi-spec-validator >&2
  fi
  # The accessibility check (scripts/a11y-check.py): selenium drives Chromium through Debian's
  # chromedriver, and axe-core is the copy the axe-core-python package ships.
  if ! "$venv/bin/python" -c "import selenium, axe_core_python" >/dev/null 2>&1; then
    echo "setup: installing selenium and axe-core-python into $venv" >&2
    "$venv/bin/pip" install -q selenium axe-core-python >&2
  fi
  # cffconvert validates each release's CITATION.cff against the CFF 1.2.0 schema. It pins
  # jsonschema 3, which frictionless cannot share, so it has a venv of its own inside.
  if [[ ! -x "$venv/cff/bin/cffconvert" ]]; then
    echo "setup: installing cffconvert into $venv/cff" >&2
    python3 -m venv "$venv/cff"
    "$venv/cff/bin/pip" install -q cffconvert >&2
  fi
fi

command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 is required (https://swift.org/install)" >&2; exit 1; }
