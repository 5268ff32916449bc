from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

READ_ONLY_QUERY = "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for the load balancer.

    503 when the database cannot be reached, or when it is read-only (a PostgreSQL standby, e.g.
    during a failover): the app cannot serve writes then, so a balancer should look elsewhere."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(READ_ONLY_QUERY)
                read_only = bool(cursor.fetchone()[0])
            else:
                cursor.execute("SELECT 1")
                read_only = False
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if read_only:
        return JsonResponse({"status": "read-only", "database": "read-only"}, status=503)
    return JsonResponse({"status": "ok"})
