#!/usr/bin/env bash
# Runs the stage and pipeline tests under ThreadSanitizer: a CI step beside scripts/test.sh
# (a full second build, kept apart in .build-tsan so the normal build stays incremental).
# Desensitizing scans the source on a second thread while it builds the output; this is the
# run that would catch a data race there or in the pipeline's stage threads. Integration
# tests that need the servers skip unless scripts/test.sh's environment is exported.
# Extra arguments go to `swift test` (e.g. another --filter).
set -euo pipefail
cd "$(dirname "$0")/.."
# --test: the Python venv some pipeline tests use (Parquet readers, manifest validation).
source scripts/setup.sh --test
scratch="${ODP_TSAN_SCRATCH:-.build-tsan}"
filter="${ODP_TSAN_FILTER:-ODPDesensitizeTests|ODPCheckTests|ODPPipelineTests}"
swift build --build-tests --sanitize=thread --scratch-path "$scratch"
# halt_on_error: the first race fails the run instead of scrolling past. SourceLimitsTests
# caps the address space of the odp it starts (prlimit --as), and ThreadSanitizer's shadow
# memory needs terabytes of it: that suite runs in scripts/test.sh only.
TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}" \
  swift test --skip-build --sanitize=thread --scratch-path "$scratch" --filter "$filter" --skip SourceLimitsTests "$@"
