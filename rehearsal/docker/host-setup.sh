#!/bin/sh
# Build-time setup of a rehearsal host (runs as root in the old version's official image, whose
# base differs by version: CentOS 7, Alpine or Ubuntu): OpenSSH server, key-only login for the
# rocketmq user, and a stable JAVA_HOME for the RocketMQ start scripts run over SSH.
set -eu

if command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server procps
  rm -rf /var/lib/apt/lists/*
elif command -v yum >/dev/null 2>&1; then
  # CentOS 7 is end-of-life: its packages live on vault.centos.org now.
  if grep -q 'release 7' /etc/centos-release 2>/dev/null; then
    sed -i -e 's/^mirrorlist=/#mirrorlist=/' \
           -e 's|^#\{0,1\}baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo
  fi
  yum install -y -q openssh-server procps-ng
  yum clean all -q
elif command -v apk >/dev/null 2>&1; then
  apk add --no-cache openssh-server procps
else
  echo "host-setup: no known package manager in this image" >&2
  exit 1
fi

mkdir -p /run/sshd /var/run/sshd
# Only our generated host key; key-only login; the rocketmq user's environment file is read.
rm -f /etc/ssh/ssh_host_*
cat > /etc/ssh/sshd_config <<'CONF'
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
ChallengeResponseAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PermitUserEnvironment yes
UsePAM no
PrintMotd no
Subsystem sftp internal-sftp
CONF

# A locked password makes some sshd builds refuse even key logins: set an unusable one instead.
if command -v usermod >/dev/null 2>&1; then usermod -p '*' rocketmq; else sed -i 's/^rocketmq:!/rocketmq:*/' /etc/shadow; fi

java_home="${JAVA_HOME:-}"
if [ -z "$java_home" ] || [ ! -x "$java_home/bin/java" ]; then
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
case "$java_home" in
  */jre) if [ -x "${java_home%/jre}/bin/java" ]; then java_home="${java_home%/jre}"; fi ;;
esac
ln -sfn "$java_home" /opt/java-home

mkdir -p /home/rocketmq/.ssh
# SSH sessions do not see the image's ENV: give the start scripts what they need. ROCKETMQ_HOME
# is deliberately absent: each version's bin/ scripts find their own home.
cat > /home/rocketmq/.ssh/environment <<'ENVF'
JAVA_HOME=/opt/java-home
JAVA_OPT_EXT=-Xms256m -Xmx256m -Xmn128m
PATH=/opt/java-home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENVF
chown -R rocketmq:rocketmq /home/rocketmq/.ssh
chmod 0600 /home/rocketmq/.ssh/environment
