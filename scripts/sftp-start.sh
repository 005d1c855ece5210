#!/usr/bin/env bash
# Starts OpenSSH's sshd on 127.0.0.1 (internal-sftp only) with freshly generated host and
# user keys, for ODP's sftp target tests. Prints shell assignments for the tests' env file.
# Usage: sftp-start.sh DIR   (env SFTP_PORT, default 2222). Stop with sftp-stop.sh DIR.
set -euo pipefail
D=$(mkdir -p "$1" && cd "$1" && pwd)
PORT=${SFTP_PORT:-2222}
command -v /usr/sbin/sshd >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client >/dev/null; }
"$(dirname "$0")/sftp-stop.sh" "$D" >/dev/null 2>&1 || true
rm -rf "$D/keys" "$D/root" && mkdir -p "$D/keys" "$D/root" /run/sshd
ssh-keygen -q -t ed25519 -N '' -C odp-test-host -f "$D/keys/host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C odp-test-user -f "$D/keys/user_ed25519"
cp "$D/keys/user_ed25519.pub" "$D/keys/authorized_keys"
cat > "$D/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $D/keys/host_ed25519_key
PidFile $D/sshd.pid
AuthorizedKeysFile $D/keys/authorized_keys
AllowUsers $(id -un)
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
AllowTcpForwarding no
Subsystem sftp internal-sftp
LogLevel VERBOSE
CONF
/usr/sbin/sshd -f "$D/sshd_config" -E "$D/sshd.log"
for _ in $(seq 1 50); do [ -s "$D/sshd.pid" ] && break; sleep 0.1; done
PIN=$(ssh-keygen -lf "$D/keys/host_ed25519_key.pub" | awk '{print $2}')
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$D/keys/host_ed25519_key.pub")" > "$D/keys/known_hosts"
cat > "$D/env" <<ENV
SFTP_URL=sftp://127.0.0.1:$PORT$D/root
SFTP_PORT=$PORT
SFTP_ROOT=$D/root
SFTP_USER=$(id -un)
SFTP_KEY=$D/keys/user_ed25519
SFTP_HOST_KEY_SHA256=$PIN
SFTP_KNOWN_HOSTS=$D/keys/known_hosts
ENV
echo "sshd (sftp) on 127.0.0.1:$PORT, root $D/root"
