#!/bin/bash
# PostgreSQL 15 (Debian's package) on loopback for the console store tests: 127.0.0.1:55433, data and socket
# under $RAMPART_TESTDATA/postgres, role rampart / password rampart with CREATEDB (each test file creates its
# own database). `postgres.sh start` is idempotent; `postgres.sh stop` stops it.
. "$(dirname "$0")/lib.sh"
PGBIN=/usr/lib/postgresql/15/bin PORT=${RAMPART_TEST_PG_PORT:-55433}
D=$TD/postgres DATA=$TD/postgres/data SOCK=$TD/postgres/sock
# initdb and postgres refuse to run as root: they run as the 'postgres' system user the package created.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case ${1:-start} in
start)
  [ -x $PGBIN/postgres ] || step "apt install postgresql-15" apt_install postgresql-15 postgresql-client-15 || exit 1
  install -d -m 755 "$D"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    install -d -m 700 "$DATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
    as_pg $PGBIN/initdb -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
      --locale=C.UTF-8 >"$D/initdb.log" 2>&1 || { tail "$D/initdb.log"; exit 1; }
  fi
  install -d -m 755 "$SOCK"; touch "$D/server.log"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$SOCK" "$D/server.log"
  if ! as_pg $PGBIN/pg_ctl -D "$DATA" status >/dev/null 2>&1; then
    as_pg $PGBIN/pg_ctl -D "$DATA" -l "$D/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK -c fsync=off -c max_connections=200" start >/dev/null ||
      { tail "$D/server.log"; exit 1; }
  fi
  as_pg $PGBIN/psql -h "$SOCK" -p "$PORT" -U postgres -qAt -c \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rampart') THEN
       CREATE ROLE rampart LOGIN CREATEDB PASSWORD 'rampart'; END IF; END \$\$;" >/dev/null || exit 1
  ;;
stop)
  [ -f "$DATA/postmaster.pid" ] && as_pg $PGBIN/pg_ctl -D "$DATA" -m fast -w stop >/dev/null
  exit 0
  ;;
esac
