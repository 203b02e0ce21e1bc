#!/bin/sh
# The browser tests (pytest -m browser) drive Debian's Chromium at /usr/bin/chromium: installed
# here when it is missing and we are root; otherwise they are skipped with the reason.
set -e
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
else
  echo "no $CHROMIUM and not root: the browser tests will be skipped (apt-get install chromium)"
fi
