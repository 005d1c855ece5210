#!/usr/bin/env bash
# Installs the benchmark's peers (polars, DuckDB, and pyarrow and numpy for DuckDB's vectorized Python
# functions) into bench/peers/.venv, once; quiet and quick when they are there.
# `odp-bench` runs it before it runs the peers.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if ! "$venv/bin/python" -c "import polars, duckdb, pyarrow, numpy" >/dev/null 2>&1; then
  command -v zip >/dev/null 2>&1 || { echo "bench/peers: zip is required (apt-get install zip)" >&2; exit 1; }
  echo "bench/peers: installing polars, duckdb and pyarrow into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q polars duckdb pyarrow numpy >&2
fi
