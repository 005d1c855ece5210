#!/usr/bin/env bash
# Stops the sshd started by sftp-start.sh DIR (by its pid file only).
D=${1:?usage: sftp-stop.sh DIR}
if [ -s "$D/sshd.pid" ]; then kill "$(cat "$D/sshd.pid")" 2>/dev/null || true; rm -f "$D/sshd.pid"; fi
