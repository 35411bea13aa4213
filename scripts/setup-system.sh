#!/usr/bin/env bash
# Install the Debian packages Zhongshu needs that `dpkg -s` reports missing (CONVENTIONS.md).
#   run   fonts for documents (fonts-noto-cjk, fonts-lxgw-wenkai; fontconfig's fc-list finds
#         them), Pango for WeasyPrint's PDF output (libpango-1.0-0, libpangoft2-1.0-0) and
#         gettext for translations
#   test  the same plus chromium for the browser tests
#   ci    the same plus postgresql and redis-server, which .ci/run starts when not running
set -euo pipefail
purpose=${1:-run}
packages=(fonts-noto-cjk fonts-lxgw-wenkai fontconfig libpango-1.0-0 libpangoft2-1.0-0 gettext)
case "$purpose" in
  run) ;;
  test) packages+=(chromium) ;;
  ci) packages+=(chromium postgresql redis-server) ;;
  *) echo "usage: $0 run|test|ci" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg -s "$package" >/dev/null 2>&1; then missing+=("$package"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Zhongshu needs these Debian packages, and this system has no apt-get: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Zhongshu needs these Debian packages: ${missing[*]}" >&2
  echo "Install them as root:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
