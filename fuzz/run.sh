#!/usr/bin/env bash
# Fuzzes one of ODP's readers with libFuzzer: fuzz/run.sh TARGET [SECONDS]
# TARGET: csv gb18030 xlsx json ndjson yaml. The campaign works in .build-fuzz/corpus/TARGET,
# seeded from fuzz/corpus/TARGET; at the end the inputs under 4 KB that reach code the
# committed corpus does not are merged into fuzz/corpus/TARGET (review, then commit them).
# A crash, leak, timeout or out-of-memory leaves a file in fuzz/findings/ (replay it with
# `.build/debug/odp-fuzz TARGET FILE`). See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-60}
# Per-input limit in wall-clock seconds: raise it (ODP_FUZZ_TIMEOUT=120) on a machine busy
# enough that a nice'd fuzzer waits for the CPU longer than it computes.
timeout=${ODP_FUZZ_TIMEOUT:-10}
source scripts/setup.sh
swift build --product odp-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DODP_FUZZ
fuzzer="$(swift build --scratch-path .build-fuzz --show-bin-path)/odp-fuzz"
work=".build-fuzz/corpus/$target"
mkdir -p "$work" "fuzz/corpus/$target" fuzz/findings
export ODP_FUZZ_TARGET="$target"
"$fuzzer" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix=fuzz/findings/ "$work" "fuzz/corpus/$target"

# The committed corpus stays small: only inputs that add coverage, each under 4 KB.
small=$(mktemp -d)
trap 'rm -rf "$small"' EXIT
find "$work" -type f -size -4096c -exec cp {} "$small" \;
"$fuzzer" -merge=1 -timeout="$timeout" -rss_limit_mb=2048 "fuzz/corpus/$target" "$small" 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || true
