#!/bin/sh
# Browser tests drive Debian's chromium. Install it (and its driver) when missing and we are
# root; otherwise the browser tests skip with a message, except under CI where they must run.
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing Debian's chromium for the browser tests =="
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null && exit 0
    echo "chromium could not be installed" >&2
    exit 1
fi
echo "== chromium is not installed and cannot be (not root): browser tests will skip =="
