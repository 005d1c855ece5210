#!/usr/bin/env bash
# Starts every server the integration tests talk to, all on 127.0.0.1, plus a fault proxy in
# front of each upload target, and writes DIR/env with the variables the tests read:
#   PostgreSQL 15 (pg-start.sh)         ODP_TEST_PG_*  (sources, source faults)
#   CKAN 2.12 (../shared/peers/ckan)   CKAN_URL CKAN_TOKEN CKAN_ORG   CKAN_PROXY_URL
#                                      CKAN_LIMIT_URL (a 1 MiB nginx-style body limit, no faults)
#   OpenSSH sftp (sftp-start.sh)       SFTP_*                         SFTP_PROXY_URL
#   vsftpd (ftp-start.sh)              FTP_*                          FTP_PROXY_URL
#   http-sink.py                       HTTP_SINK_*                    HTTP_SINK_PROXY_URL
# The proxies fail FAULT_RATE (default 0.3) of connections. Installs missing apt packages.
# Usage: services-start.sh DIR   then   ODP_SERVICES_ENV=DIR/env swift test --filter ODPPublishTests
# Stop with services-stop.sh DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mkdir -p "$1" && cd "$1" && pwd)
RATE=${FAULT_RATE:-0.3}
PEERS=${ODP_PEERS:-$HERE/../../shared/peers}
[ -d "$PEERS" ] || PEERS=/work/shared/peers
need=()
for pkg in postgresql redis-server libpq-dev gcc python3-venv libmagic1 openssh-server openssh-client vsftpd curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
"$HERE/services-stop.sh" "$D" >/dev/null 2>&1 || true

"$HERE/pg-start.sh" "$D/pg"
"$PEERS/ckan/start.sh" "$D/ckan"
"$HERE/sftp-start.sh" "$D/sftp"
"$HERE/ftp-start.sh" "$D/ftp"

mkdir -p "$D/http"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$D/http/token"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$D/http/secret"
SINK_PORT=${HTTP_SINK_PORT:-8077}
setsid python3 "$HERE/http-sink.py" --port "$SINK_PORT" --root "$D/http" --token-file "$D/http/token" \
  --secret-file "$D/http/secret" > "$D/http/sink.log" 2>&1 &
echo $! > "$D/http/sink.pid"

proxy() {  # name listen target modes
  setsid python3 "$HERE/fault-proxy.py" --listen "$2" --target "$3" --rate "$RATE" --modes "$4" --stall 8 \
    --log "$D/proxy-$1.log" > /dev/null 2>&1 &
  echo $! > "$D/proxy-$1.pid"
}
. "$D/ckan/env"; . "$D/sftp/env"; . "$D/ftp/env"
CKAN_PORT_=${CKAN_URL##*:}
proxy ckan $((CKAN_PORT_ + 100)) "$CKAN_PORT_" drop-before,drop-after,drop-mid,stall,500,503,429
proxy sftp $((SFTP_PORT + 100)) "$SFTP_PORT" drop-before,drop-after,drop-mid,stall
proxy ftp $((FTP_PORT + 100)) "$FTP_PORT" drop-before,drop-mid,stall
# nginx-style 1 MiB body limit in front of CKAN, no faults (size pre-flight tests).
setsid python3 "$HERE/fault-proxy.py" --listen $((CKAN_PORT_ + 200)) --target "$CKAN_PORT_" --rate 0 --max-body 1048576 \
  --log "$D/proxy-ckan-limit.log" > /dev/null 2>&1 &
echo $! > "$D/proxy-ckan-limit.pid"
proxy http $((SINK_PORT + 100)) "$SINK_PORT" drop-before,drop-after,drop-mid,stall,500,503,429
for port in "$SINK_PORT" $((CKAN_PORT_ + 100)) $((CKAN_PORT_ + 200)) $((SFTP_PORT + 100)) $((FTP_PORT + 100)) $((SINK_PORT + 100)); do
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

{
  sed 's/^export //' "$D/pg/env" | tr ' ' '\n'
  cat "$D/ckan/env" "$D/sftp/env" "$D/ftp/env"
  echo "CKAN_PROXY_URL=http://127.0.0.1:$((CKAN_PORT_ + 100))"
  echo "CKAN_LIMIT_URL=http://127.0.0.1:$((CKAN_PORT_ + 200))"
  echo "SFTP_PROXY_URL=sftp://127.0.0.1:$((SFTP_PORT + 100))$SFTP_ROOT"
  echo "FTP_PROXY_URL=ftp://127.0.0.1:$((FTP_PORT + 100))"
  echo "HTTP_SINK_URL=http://127.0.0.1:$SINK_PORT"
  echo "HTTP_SINK_PROXY_URL=http://127.0.0.1:$((SINK_PORT + 100))"
  echo "HTTP_SINK_ROOT=$D/http"
  echo "HTTP_SINK_TOKEN_FILE=$D/http/token"
  echo "HTTP_SINK_SECRET_FILE=$D/http/secret"
  echo "FAULT_RATE=$RATE"
} > "$D/env"
echo "services ready; settings in $D/env"
