"""System-wide figures for /metrics: counts and database state only, never personal data.

These are not actor-scoped: /metrics has no user, it is guarded by a token or an address list
(``SK_METRICS_TOKEN``, ``SK_METRICS_ALLOWED_ADDRESSES``) and shows nothing about any one person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Count
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartkampung.letters.models import Letter


@dataclass(frozen=True)
class QueueDepth:
    queue: str
    status: str
    count: int


def task_queue_depth() -> list[QueueDepth]:
    """Tasks waiting (ready) and running, per queue."""
    rows = (
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
        .values_list("queue_name", "status")
        .annotate(n=Count("id"))
        .order_by("queue_name", "status")
    )
    return [QueueDepth(queue=q, status=s.lower(), count=n) for q, s, n in rows]


def task_oldest_ready_seconds() -> float:
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    ).first()
    return max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0


def letters_issued() -> tuple[int, int]:
    """Letters issued and letters revoked so far: counts, no names."""
    total = Letter.objects.count()
    revoked = Letter.objects.filter(revoked_at__isnull=False).count()
    return total, revoked


@dataclass(frozen=True)
class Standby:
    name: str
    state: str
    sync_state: str
    lag_bytes: int
    replay_lag_seconds: float


@dataclass(frozen=True)
class DatabaseState:
    vendor: str
    read_only: bool
    standbys: list[Standby]
    # Seen from the replica connection (SK_DATABASE_REPLICA_URL), when there is one.
    replica_delay_seconds: float | None


def database_state() -> DatabaseState:
    """Is the database read-only, and how far behind are its standbys (PostgreSQL)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return DatabaseState(connection.vendor, False, [], None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
        in_recovery, read_only = cursor.fetchone()
        standbys: list[Standby] = []
        if not in_recovery:
            cursor.execute(
                "SELECT application_name, state, sync_state,"
                " COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint,"
                " COALESCE(EXTRACT(EPOCH FROM replay_lag), 0)::float8"
                " FROM pg_stat_replication ORDER BY application_name"
            )
            standbys = [Standby(*row) for row in cursor.fetchall()]
    delay = None
    if "replica" in connections.databases:
        with connections["replica"].cursor() as cursor:
            # Time since the last replayed transaction; 0 when it has replayed everything.
            cursor.execute(
                "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
                " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
                " END::float8"
            )
            delay = float(cursor.fetchone()[0])
    return DatabaseState("postgresql", bool(in_recovery) or read_only == "on", standbys, delay)
