#!/usr/bin/env bash
# Runs ODP end to end on the bundled demo: four datasets from four departments, extracted,
# checked, desensitized, packaged and "uploaded" to output/published. No servers needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# A debug build is quicker to make and the demo is small; benchmarks use -c release.
swift build --product odp
bin="$(swift build --show-bin-path)/odp"
"$bin" validate
set +e
"$bin" run "$@"
code=$?
set -e
echo
echo "Releases:   output/releases/<dataset>/<version>/   (datapackage.json, README.md, reports, SHA256SUMS)"
echo "Packages:   output/packages/*.zip"
echo "Open list:  output/catalog/open-list.html"
# 2 = some datasets held by the gate: the demo plants one on purpose (mzj-elderly-care).
if [[ $code -eq 0 || $code -eq 2 ]]; then exit 0; fi
exit $code
