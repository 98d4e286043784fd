#!/bin/sh
# System packages Reach needs beyond Python: the fonts and Pango that WeasyPrint lays PDFs out
# with (Vietnamese and Chinese text), and, with `--browsers`, Debian's chromium and its driver
# for the browser tests. Installed through apt-get when missing and we are root; otherwise we say
# what is missing (browser tests then skip, except under CI where they must run).
want="fonts-dejavu-core fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
if [ "$1" = "--browsers" ]; then
    want="$want chromium chromium-driver"
fi
missing=""
for package in $want; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing system packages:$missing =="
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    apt-get update -qq && apt-get install -y -qq $missing >/dev/null && exit 0
    echo "the system packages$missing could not be installed" >&2
    exit 1
fi
echo "== Missing system packages (not root, not installed):$missing =="
echo "   PDFs may lack fonts; browser tests will skip."
