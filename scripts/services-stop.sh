#!/usr/bin/env bash
# Stops what services-start.sh DIR started, each by its own pid file.
D=${1:?usage: services-stop.sh DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
PEERS=${ODP_PEERS:-$HERE/../../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
for f in "$D"/proxy-*.pid "$D/http/sink.pid"; do
  [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"
done
"$HERE/sftp-stop.sh" "$D/sftp" 2>/dev/null
"$HERE/ftp-stop.sh" "$D/ftp" 2>/dev/null
[ -d "$D/pg" ] && "$HERE/pg-stop.sh" "$D/pg" 2>/dev/null
[ -d "$D/ckan" ] && "$PEERS/ckan/stop.sh" "$D/ckan" 2>/dev/null
true
