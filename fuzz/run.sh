#!/usr/bin/env bash
# Fuzzes one of ODP's readers with libFuzzer: fuzz/run.sh TARGET [SECONDS]
# TARGET: csv gb18030 xlsx json ndjson yaml. New interesting inputs are added to
# fuzz/corpus/TARGET; a crash leaves crash-* in fuzz/findings/ (replay it with
# `.build/debug/odp-fuzz TARGET FILE`). See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-60}
source scripts/setup.sh
swift build --product odp-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DODP_FUZZ
mkdir -p "fuzz/corpus/$target" fuzz/findings
ODP_FUZZ_TARGET="$target" "$(swift build --scratch-path .build-fuzz --show-bin-path)/odp-fuzz" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix=fuzz/findings/ "fuzz/corpus/$target"
