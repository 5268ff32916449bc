#!/usr/bin/env bash
# A whole high-availability cluster on one machine, on loopback ports, for tests and for a trial:
# etcd (one member), two PostgreSQL 15 nodes managed by Patroni with synchronous replication,
# one pgbouncer in front of each node, and a pgBackRest repository with WAL archiving.
#
#   scripts/cluster/cluster.sh up        start everything (idempotent) and print the settings
#   scripts/cluster/cluster.sh env       print DATABASE_URL / SK_DATABASE_REPLICA_URL for the app
#   scripts/cluster/cluster.sh status    Patroni's view of the cluster
#   scripts/cluster/cluster.sh wait-healthy [SECONDS]  until one primary and one sync standby run
#   scripts/cluster/cluster.sh down      stop everything (add --purge to delete the data too)
#
# Everything lives under SK_CLUSTER_DIR (default /tmp/sk-cluster). Ports can be changed with
# SK_CLUSTER_PG_PORTS, SK_CLUSTER_REST_PORTS, SK_CLUSTER_BOUNCER_PORTS (two each, comma-separated)
# and SK_CLUSTER_ETCD_PORTS (client,peer). Authentication is `trust` on 127.0.0.1 only: this
# layout is a trial, never production (docs/operations.md shows the two-server layout).
set -euo pipefail

DIR="${SK_CLUSTER_DIR:-/tmp/sk-cluster}"
IFS=, read -r PG1 PG2 <<<"${SK_CLUSTER_PG_PORTS:-5441,5442}"
IFS=, read -r REST1 REST2 <<<"${SK_CLUSTER_REST_PORTS:-8441,8442}"
IFS=, read -r BOUNCER1 BOUNCER2 <<<"${SK_CLUSTER_BOUNCER_PORTS:-6432,6433}"
IFS=, read -r ETCD_CLIENT ETCD_PEER <<<"${SK_CLUSTER_ETCD_PORTS:-2389,2390}"
DBNAME="${SK_CLUSTER_DB:-smartkampung}"
SCOPE=smartkampung
STANZA=smartkampung
PGBIN="${SK_CLUSTER_PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
RUN="$DIR/run"
HERE="$(cd "$(dirname "$0")" && pwd)"
LOG="$DIR/log"

# PostgreSQL, Patroni and pgbouncer refuse to run as root: run them as `postgres` then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- env PATH="$PATH" "$@"; else "$@"; fi
}

background() {  # background NAME COMMAND...: detached, logged, pid in $RUN/NAME.pid
  local name=$1
  shift
  as_pg bash -c 'setsid "$@" >>"'"$LOG/$name.log"'" 2>&1 < /dev/null & echo $! >"'"$RUN/$name.pid"'"' _ "$@"
}

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "cluster: timed out waiting for $what (logs in $LOG)" >&2
  return 1
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

write_configs() {
  cat >"$DIR/pgbackrest.conf" <<CONF
[global]
repo1-path=$DIR/backup/repo
repo1-retention-full=2
log-path=$LOG
lock-path=$RUN/pgbackrest
spool-path=$RUN/pgbackrest-spool
log-level-console=warn
log-level-file=info
start-fast=y
archive-timeout=60
compress-type=lz4

[$STANZA]
pg1-path=$DIR/node1/data
pg1-port=$PG1
pg1-socket-path=$RUN
pg2-path=$DIR/node2/data
pg2-port=$PG2
pg2-socket-path=$RUN
CONF
  local n port rest bport
  for n in 1 2; do
    port=$([ $n = 1 ] && echo "$PG1" || echo "$PG2")
    rest=$([ $n = 1 ] && echo "$REST1" || echo "$REST2")
    bport=$([ $n = 1 ] && echo "$BOUNCER1" || echo "$BOUNCER2")
    cat >"$DIR/node$n.yml" <<CONF
scope: $SCOPE
name: node$n
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$rest
  connect_address: 127.0.0.1:$rest
etcd3:
  hosts: 127.0.0.1:$ETCD_CLIENT
bootstrap:
  dcs:
    # Failover within ~10 s of a dead primary: loop_wait + 2 x retry_timeout <= ttl.
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # A crashed primary is failed over at once instead of being restarted in place.
    primary_start_timeout: 0
    # Commit returns only once the synchronous standby has the WAL; Patroni promotes only it.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_connections: 200
        max_wal_senders: 10
        max_replication_slots: 10
        archive_mode: "on"
        archive_timeout: 60
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$port
  connect_address: 127.0.0.1:$port
  data_dir: $DIR/node$n/data
  bin_dir: $PGBIN
  pgpass: $DIR/node$n/pgpass
  authentication:
    superuser:
      username: postgres
    replication:
      username: postgres
    rewind:
      username: postgres
  parameters:
    unix_socket_directories: $RUN
    # Per node: %p is relative to this node's data directory, which pgBackRest must be told
    # (its pg1-path would otherwise point at node1 on both).
    archive_command: "pgbackrest --config=$DIR/pgbackrest.conf --stanza=$STANZA --pg1-path=$DIR/node$n/data archive-push %p"
  callbacks:
    on_start: $HERE/pgbouncer-role.sh $bport $DBNAME
    on_stop: $HERE/pgbouncer-role.sh $bport $DBNAME
    on_role_change: $HERE/pgbouncer-role.sh $bport $DBNAME
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
CONF
    # Session pooling (ADR 0121): a client keeps its server connection for its whole session,
    # so transactions, row locks, server-side cursors and session settings all behave as on a
    # direct connection.
    cat >"$DIR/pgbouncer$n.ini" <<CONF
[databases]
; The app's database by name, so that pgbouncer-role.sh can disable it on a standby.
$DBNAME = host=127.0.0.1 port=$port
* = host=127.0.0.1 port=$port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
pool_mode = session
max_client_conn = 500
default_pool_size = 60
server_reset_query = DISCARD ALL
server_login_retry = 1
server_connect_timeout = 3
query_wait_timeout = 5
ignore_startup_parameters = extra_float_digits,options
pidfile = $RUN/pgbouncer$n.pid
logfile = $LOG/pgbouncer$n.log
admin_users = postgres
CONF
  done
  echo '"postgres" ""' >"$DIR/userlist.txt"
}

primary_port() {  # the node port whose Patroni answers 200 on /primary
  if http_ok "http://127.0.0.1:$REST1/primary"; then echo "$PG1"; return 0; fi
  if http_ok "http://127.0.0.1:$REST2/primary"; then echo "$PG2"; return 0; fi
  return 1
}

both_healthy() {  # one primary and one synchronous standby
  { http_ok "http://127.0.0.1:$REST1/primary" && http_ok "http://127.0.0.1:$REST2/sync"; } ||
    { http_ok "http://127.0.0.1:$REST2/primary" && http_ok "http://127.0.0.1:$REST1/sync"; }
}

print_env() {
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$BOUNCER1,127.0.0.1:$BOUNCER2/$DBNAME?target_session_attrs=read-write&connect_timeout=3"
  # Replica reads go to PostgreSQL directly: a standby's pgbouncer does not serve (ADR 0121),
  # and libpq's prefer-standby check needs the real server's answer.
  echo "SK_DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$PG2,127.0.0.1:$PG1/$DBNAME?target_session_attrs=prefer-standby&connect_timeout=3"
}

cmd_up() {
  for tool in etcd patroni pgbouncer pgbackrest; do
    command -v $tool >/dev/null || { echo "cluster: $tool is missing: make cluster-deps" >&2; exit 2; }
  done
  mkdir -p "$DIR" "$RUN" "$LOG" "$DIR/etcd" "$DIR/node1" "$DIR/node2" "$DIR/backup/repo"
  chmod 700 "$DIR/node1" "$DIR/node2" "$DIR/etcd"
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$DIR"
  write_configs
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$DIR"

  if ! alive etcd; then
    background etcd etcd --name sk-etcd --data-dir "$DIR/etcd" \
      --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
      --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
      --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
      --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
      --initial-cluster "sk-etcd=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new
  fi
  wait_for 30 etcd http_ok "http://127.0.0.1:$ETCD_CLIENT/health"

  for n in 1 2; do
    alive "patroni$n" || background "patroni$n" patroni "$DIR/node$n.yml"
    # The first node bootstraps alone; the second clones it once it is the leader.
    [ $n = 1 ] && wait_for 90 "a primary" primary_port
  done
  wait_for 120 "a primary and a synchronous standby" both_healthy
  local primary
  primary=$(primary_port)

  for n in 1 2; do
    alive "pgbouncer$n" || as_pg pgbouncer -d -q "$DIR/pgbouncer$n.ini"
  done
  wait_for 10 pgbouncer "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$BOUNCER1"
  # Patroni runs no callbacks while it bootstraps: set each pgbouncer's role once here.
  for n in 1 2; do
    local bport rest role=replica
    bport=$([ $n = 1 ] && echo "$BOUNCER1" || echo "$BOUNCER2")
    rest=$([ $n = 1 ] && echo "$REST1" || echo "$REST2")
    ! http_ok "http://127.0.0.1:$rest/primary" || role=primary
    as_pg "$HERE/pgbouncer-role.sh" "$bport" "$DBNAME" on_start "$role" "$SCOPE"
  done

  if ! as_pg psql -h "$RUN" -p "$primary" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1; then
    as_pg psql -h "$RUN" -p "$primary" -U postgres -qc "CREATE DATABASE $DBNAME"
  fi
  if [ ! -f "$DIR/backup/.stanza" ]; then
    as_pg pgbackrest --config="$DIR/pgbackrest.conf" --stanza="$STANZA" stanza-create
    as_pg touch "$DIR/backup/.stanza"
  fi
  print_env
}

cmd_down() {
  for n in 1 2; do
    alive "pgbouncer$n" && kill "$(cat "$RUN/pgbouncer$n.pid")" || true
  done
  for n in 1 2; do
    alive "patroni$n" && kill -TERM "$(cat "$RUN/patroni$n.pid")" || true
  done
  for _ in $(seq 60); do
    alive patroni1 || alive patroni2 || break
    sleep 0.5
  done
  for n in 1 2; do  # Patroni did not stop its PostgreSQL in time: stop it directly
    if [ -f "$DIR/node$n/data/postmaster.pid" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$DIR/node$n/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    alive "patroni$n" && kill -KILL "$(cat "$RUN/patroni$n.pid")" || true
  done
  alive etcd && kill -TERM "$(cat "$RUN/etcd.pid")" || true
  for _ in $(seq 20); do alive etcd || break; sleep 0.5; done
  if [ "${1:-}" = "--purge" ]; then rm -rf "$DIR"; fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "$@" ;;
  env) print_env ;;
  status) as_pg patronictl -c "$DIR/node1.yml" list ;;
  primary-port) primary_port ;;
  wait-healthy) wait_for "${2:-120}" "a primary and a synchronous standby" both_healthy ;;
  *) echo "usage: $0 up|down [--purge]|env|status|primary-port|wait-healthy [SECONDS]" >&2; exit 2 ;;
esac
