"""``/metrics`` in Prometheus text format (docs/operations.md lists what to alert on)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from . import selectors
from .metrics import Exposition, latency_totals

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def metrics_allowed(request: HttpRequest) -> bool:
    """A matching ``Authorization: Bearer <SK_METRICS_TOKEN>``, or a client address in
    ``SK_METRICS_ALLOWED_ADDRESSES`` (the direct peer: a scraper does not come through a proxy)."""
    token = getattr(settings, "SK_METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for entry in getattr(settings, "SK_METRICS_ALLOWED_ADDRESSES", []):
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404  # not advertised to whoever is not allowed to scrape
    out = Exposition()
    out.latency(latency_totals())
    try:
        state = selectors.database_state()
        depth = selectors.task_queue_depth()
        oldest = selectors.task_oldest_ready_seconds()
        letters = selectors.letters_issued()
    except DatabaseError:
        out.family("sk_database_up", "gauge", "1 when the database answered this scrape.")
        out.sample("sk_database_up", 0)
        return HttpResponse(out.text(), content_type=CONTENT_TYPE)
    out.family("sk_database_up", "gauge", "1 when the database answered this scrape.")
    out.sample("sk_database_up", 1)
    out.family("sk_database_read_only", "gauge", "1 when the app's database refuses writes.")
    out.sample("sk_database_read_only", int(state.read_only))
    out.family(
        "sk_replication_lag_bytes",
        "gauge",
        "WAL the standby has yet to replay, seen from the primary.",
    )
    for s in state.standbys:
        labels = {"standby": s.name, "state": s.state, "sync_state": s.sync_state}
        out.sample("sk_replication_lag_bytes", s.lag_bytes, labels)
    out.family(
        "sk_replication_lag_seconds", "gauge", "Replay lag of the standby, seen from the primary."
    )
    for s in state.standbys:
        labels = {"standby": s.name, "state": s.state, "sync_state": s.sync_state}
        out.sample("sk_replication_lag_seconds", s.replay_lag_seconds, labels)
    out.family("sk_replication_standbys", "gauge", "Standbys connected to the primary.")
    out.sample("sk_replication_standbys", len(state.standbys))
    if state.replica_delay_seconds is not None:
        out.family(
            "sk_replica_delay_seconds", "gauge", "How far the read replica is behind (seconds)."
        )
        out.sample("sk_replica_delay_seconds", state.replica_delay_seconds)
    out.family("sk_task_queue_depth", "gauge", "Background tasks ready or running, per queue.")
    for row in depth:
        out.sample("sk_task_queue_depth", row.count, {"queue": row.queue, "status": row.status})
    out.family(
        "sk_task_oldest_ready_seconds", "gauge", "Age of the oldest task waiting for a worker."
    )
    out.sample("sk_task_oldest_ready_seconds", oldest)
    total, revoked = letters
    out.family("sk_letters_issued_total", "counter", "Letters numbered and issued so far.")
    out.sample("sk_letters_issued_total", total)
    out.family("sk_letters_revoked_total", "counter", "Issued letters revoked since.")
    out.sample("sk_letters_revoked_total", revoked)
    return HttpResponse(out.text(), content_type=CONTENT_TYPE)
