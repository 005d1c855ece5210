#!/bin/sh
# Stops the server started by scripts/pg-start.sh DIR.
set -eu
DIR=${1:?usage: pg-stop.sh DIR}
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop
else
    "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop
fi
