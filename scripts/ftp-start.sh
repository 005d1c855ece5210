#!/usr/bin/env bash
# Starts vsftpd on 127.0.0.1 with a local test user (password login), for ODP's ftp target
# tests. Usage: ftp-start.sh DIR   (env FTP_PORT, default 2121). Stop with ftp-stop.sh DIR.
set -euo pipefail
D=$(mkdir -p "$1" && cd "$1" && pwd)
PORT=${FTP_PORT:-2121}
USER_NAME=odpftp
command -v vsftpd >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq vsftpd >/dev/null; }
"$(dirname "$0")/ftp-stop.sh" "$D" >/dev/null 2>&1 || true
id "$USER_NAME" >/dev/null 2>&1 || useradd -M -d "$D/root" -s /bin/sh "$USER_NAME"
# vsftpd enters the user's home before local_root: a home left by an earlier run elsewhere
# fails every login with "500 OOPS: cannot change directory".
usermod -d "$D/root" "$USER_NAME"
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "$USER_NAME:$PASSWORD" | chpasswd
printf '%s\n' "$PASSWORD" > "$D/password" && chmod 600 "$D/password"
rm -rf "$D/root" && mkdir -p "$D/root" /var/run/vsftpd/empty && chown "$USER_NAME" "$D/root"
chmod o+x "$D" "$(dirname "$D")" 2>/dev/null || true
cat > "$D/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$PORT
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
local_root=$D/root
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$((PORT + 10))
pasv_max_port=$((PORT + 40))
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
pam_service_name=vsftpd
secure_chroot_dir=/var/run/vsftpd/empty
xferlog_enable=YES
vsftpd_log_file=$D/vsftpd.log
CONF
setsid vsftpd "$D/vsftpd.conf" > "$D/vsftpd.out" 2>&1 &
echo $! > "$D/vsftpd.pid"
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
cat > "$D/env" <<ENV
FTP_URL=ftp://127.0.0.1:$PORT
FTP_PORT=$PORT
FTP_ROOT=$D/root
FTP_USER=$USER_NAME
FTP_PASSWORD_FILE=$D/password
ENV
echo "vsftpd on 127.0.0.1:$PORT, root $D/root"
