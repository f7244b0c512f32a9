#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL server: LULONG_TEST_PG_URL points at it, and it is stopped
# and deleted when the command ends (whatever the outcome). The state-database tests run against it too.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest -q tests/test_store.py
#
# Uses Debian's postgresql package (scripts/system-deps.sh installs it). The server refuses to run as root
# and there is no systemd: as root, the cluster is initialised and started as the `postgres` user with
# runuser; as anyone else, as that user. It listens on 127.0.0.1 on a free port and a private socket
# folder, with trust authentication (only local connections reach it) and fsync off (it is thrown away).
# Without PostgreSQL the command runs without the variable — except in CI (CI=1), where that is an error.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  if [ "${CI:-}" = "1" ]; then
    echo "with-postgres: PostgreSQL is not installed (apt-get install postgresql); CI needs it" >&2
    exit 1
  fi
  echo "with-postgres: PostgreSQL not installed; running without LULONG_TEST_PG_URL" >&2
  exec "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lulong-pg.XXXXXX")
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$tmp"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 130' INT TERM  # exit runs the EXIT trap: the server never outlives the script

"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null \
  || { cat "$tmp/server.log" >&2; exit 1; }

export LULONG_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit $status
