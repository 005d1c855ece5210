#!/usr/bin/env bash
# Runs every test: installs what is missing, starts the real peers the integration tests
# talk to (PostgreSQL, SFTP, FTP, an HTTP sink, CKAN) on 127.0.0.1, runs `swift test`,
# and stops the peers again whatever happens. ODP_SLOW_TESTS=1 adds the Zip64 tests over
# 4 GiB (several minutes and ~9 GB of temporary disk).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --test

# Peers keep their installs (CKAN's virtualenv) between runs in a cache outside the clone,
# somewhere the postgres user can enter (not under /root).
services="${ODP_SERVICES_DIR:-/var/tmp/odp-test-services}"
mkdir -p "$services"
cleanup() { scripts/services-stop.sh "$services" >/dev/null 2>&1 || true; }
trap cleanup EXIT
scripts/services-start.sh "$services"
set -a
source "$services/env"
set +a
export ODP_REQUIRE_SERVICES=1 ODP_SERVICES_ENV="$services/env"

swift build --build-tests
swift test --skip-build "$@"
