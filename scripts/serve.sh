#!/usr/bin/env bash
# Serve Smart Kampung: gunicorn (WSGI, static files through WhiteNoise) plus the background-task
# worker. Stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_CONCURRENCY:-3}
VAR_DIR=${SK_VAR_DIR:-var}
mkdir -p "$VAR_DIR"

# Say so plainly when the port is taken, before starting anything.
if ! $BIN/python - "$HOST" "$PORT" <<'PY'
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
    try:
        s.bind((host, port))
    except OSError:
        sys.exit(1)
PY
then
  echo "Port $PORT on $HOST is already in use (another Smart Kampung or another program)." >&2
  echo "Stop it, or choose another port: make run PORT=8001" >&2
  exit 1
fi

$BIN/python manage.py db_worker --queue-name "*" &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM

echo "Smart Kampung: http://$HOST:$PORT/ (Ctrl-C stops)"
$BIN/gunicorn config.wsgi --bind "$HOST:$PORT" --workers "$WORKERS" --access-logfile - --timeout 60 \
  --control-socket "$VAR_DIR/gunicorn.ctl"
