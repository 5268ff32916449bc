#!/usr/bin/env bash
# Serve Smart Kampung: gunicorn (WSGI, static files through WhiteNoise) plus the background-task
# worker. Stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_CONCURRENCY:-3}

$BIN/python manage.py db_worker --queue-name "*" &
WORKER_PID=$!
trap 'kill $WORKER_PID 2>/dev/null || true' EXIT INT TERM

echo "Smart Kampung: http://$HOST:$PORT/ (Ctrl-C stops)"
$BIN/gunicorn config.wsgi --bind "$HOST:$PORT" --workers "$WORKERS" --access-logfile - --timeout 60
