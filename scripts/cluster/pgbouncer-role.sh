#!/usr/bin/env bash
# Patroni callback (on_start, on_stop, on_role_change): the pgbouncer beside a node serves the
# app's database only while that node is the primary (ADR 0121).
#
#   pgbouncer-role.sh PGBOUNCER_PORT DATABASE  ACTION ROLE SCOPE   (Patroni appends the last three)
#
# Why: pgbouncer answers a new client with the parameters it cached from its first server
# connection, so after a failover a standby behind it still looks writable to libpq's
# target_session_attrs=read-write check. Disabling the database on a standby's pgbouncer (and
# dropping its clients) makes libpq move on to the next host in DATABASE_URL, the primary's.
set -uo pipefail
port=$1 db=$2 action=${3:-} role=${4:-}

admin() { psql -h 127.0.0.1 -p "$port" -U postgres -d pgbouncer -qAtc "$1" >/dev/null 2>&1; }

case "$action:$role" in
  on_stop:*) serve=no ;;
  *:master | *:primary | *:promoted) serve=yes ;;
  *) serve=no ;;
esac
if [ "$serve" = yes ]; then
  admin "ENABLE $db"
  admin "RESUME $db"
else
  admin "DISABLE $db"
  admin "KILL $db"   # drops its clients; a killed database stays paused until RESUME
  admin "RESUME $db"
fi
exit 0
