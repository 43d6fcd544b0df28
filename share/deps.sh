#!/bin/sh
# Install what building and testing reqnav needs on Debian, if missing.
# Run as root (or with sudo available); does nothing when all is there.
set -e
pkgs="make cmake gcc pkg-config libsqlite3-dev libxml2-dev libncurses-dev
libpcap-dev nettle-dev jq tmux tcpdump tshark libxml2-utils clang-format
python3 time clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
