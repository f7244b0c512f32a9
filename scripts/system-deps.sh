#!/usr/bin/env bash
# Debian packages the browser tests, chart exports and the Spark parity test need: Chromium (never a
# downloaded browser), a CJK font so Chinese renders in screenshots and exported images instead of boxes,
# a Java runtime for local-mode PySpark (tests/test_spark_parity.py), and a PostgreSQL server for the
# state-database tests (scripts/with-postgres.sh starts a throw-away cluster).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# The font files themselves (lulong_data/images.py looks there), not fc-list: that is in fontconfig, which a
# fresh machine need not have — then the font would be installed again on every run (and refused as non-root).
ls /usr/share/fonts/opentype/noto/NotoSansCJK-* >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
# Slim Debian images drop /usr/share/man; the JRE's postinst links a man page there and fails without it.
mkdir -p /usr/share/man/man1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
