#!/bin/sh
# Install what building and testing reqnav needs on Debian, if missing.
# Run as root (or with sudo available); does nothing when all is there.
# With --test, also what only the tests need: headless Chromium and
# pdftotext, which render the HTML report (tests/cli/test_export_chromium.sh).
set -e
pkgs="make cmake gcc pkg-config libsqlite3-dev libxml2-dev libncurses-dev
libpcap-dev nettle-dev libarchive-dev jq tmux tcpdump tshark libxml2-utils
clang-format python3 time clang libclang-rt-14-dev zip xz-utils bzip2"
case "${1:-}" in
--test) pkgs="$pkgs chromium poppler-utils" ;;
"") ;;
*)
    echo "usage: sh share/deps.sh [--test]" >&2
    exit 2
    ;;
esac
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
