#!/bin/sh
# Starts a throw-away PostgreSQL 15 server for the ODPExtract tests.
#   scripts/pg-start.sh DIR    then    . DIR/env && swift test --filter ODPExtractTests
# Listens on 127.0.0.1 only, password (scram-sha-256) login for user `odp` with a generated
# password, database `odp_test`. Stop it with scripts/pg-stop.sh DIR.
set -eu
DIR=${1:?usage: pg-start.sh DIR}
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${ODP_TEST_PG_PORT:-}

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi

if [ -z "$PORT" ]; then
    # First free port from 55432 up.
    PORT=55432
    while python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$PORT))!=0)" 2>/dev/null; do
        PORT=$((PORT + 1))
    done
fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
    PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 24)
    PWFILE="$DIR/.pwfile"
    as_pg sh -c "umask 077; printf '%s\n' '$PASSWORD' > '$PWFILE'"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1
    cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
password_encryption = 'scram-sha-256'
fsync = off
CONF
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
    as_pg "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE odp LOGIN PASSWORD '$PASSWORD'" -c "CREATE DATABASE odp_test OWNER odp" >/dev/null
    rm -f "$PWFILE"
    umask 077
    cat >"$DIR/env" <<ENV
export ODP_TEST_PG_HOST=127.0.0.1 ODP_TEST_PG_PORT=$PORT ODP_TEST_PG_USER=odp ODP_TEST_PG_PASSWORD=$PASSWORD ODP_TEST_PG_DB=odp_test ODP_TEST_PG_DIR=$DIR
ENV
else
    # Existing cluster: start it again on its configured port.
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
fi
echo "PostgreSQL running; load the settings with: . $DIR/env"
