#!/usr/bin/env bash
# `make backup`: a pgBackRest backup of the cluster (WAL is archived continuously by
# archive_command) plus a copy of the media folder, labelled with the database backup's label.
#
#   scripts/cluster/backup.sh [full|diff|incr]      (default: incr; the first one is always full)
#
# SK_CLUSTER_DIR (default /tmp/sk-cluster) finds the trial cluster's pgbackrest.conf; on
# production servers set SK_PGBACKREST_CONFIG (default /etc/pgbackrest/pgbackrest.conf there).
# Media: SK_MEDIA_ROOT (default var/media) into SK_MEDIA_BACKUP_DIR (default <repo>/media).
# Restore: docs/operations.md, "Restore".
set -euo pipefail
cd "$(dirname "$0")/../.."

DIR="${SK_CLUSTER_DIR:-/tmp/sk-cluster}"
CONF="${SK_PGBACKREST_CONFIG:-$DIR/pgbackrest.conf}"
STANZA="${SK_PGBACKREST_STANZA:-smartkampung}"
TYPE="${1:-incr}"
MEDIA="${SK_MEDIA_ROOT:-${SK_VAR_DIR:-var}/media}"
MEDIA_BACKUP="${SK_MEDIA_BACKUP_DIR:-$DIR/backup/media}"

case "$TYPE" in full | diff | incr) ;; *) echo "backup: type must be full, diff or incr" >&2; exit 2 ;; esac
[ -f "$CONF" ] || { echo "backup: no pgBackRest configuration at $CONF" >&2; exit 2; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

started=$(date +%s)
as_pg pgbackrest --config="$CONF" --stanza="$STANZA" --type="$TYPE" backup
label=$(as_pg pgbackrest --config="$CONF" --stanza="$STANZA" --output=json info |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["backup"][-1]["label"])')

mkdir -p "$MEDIA_BACKUP"
if [ -d "$MEDIA" ]; then
  tar -C "$MEDIA" -czf "$MEDIA_BACKUP/media-$label.tar.gz.partial" .
  mv "$MEDIA_BACKUP/media-$label.tar.gz.partial" "$MEDIA_BACKUP/media-$label.tar.gz"
else
  echo "backup: no media folder at $MEDIA (nothing uploaded yet?)" >&2
fi
echo "backup $label ($TYPE) done in $(($(date +%s) - started)) s; media: $MEDIA_BACKUP/media-$label.tar.gz"
