#!/usr/bin/env bash
# Stops the vsftpd started by ftp-start.sh DIR (by its pid file only).
D=${1:?usage: ftp-stop.sh DIR}
if [ -s "$D/vsftpd.pid" ]; then kill "$(cat "$D/vsftpd.pid")" 2>/dev/null || true; rm -f "$D/vsftpd.pid"; fi
