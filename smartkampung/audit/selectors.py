"""Reads of the audit trail: regency officers and inspectors only."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from smartkampung.accounts.models import Role
from smartkampung.accounts.permissions import can_view_audit, scope_q

from .models import AuditEvent

AUDIT_ROLES = {Role.REGENCY_OFFICER, Role.INSPECTOR}


def audit_event_list(
    *,
    actor: object,
    action: str = "",
    username: str = "",
    target_type: str = "",
    scope: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    if not can_view_audit(actor):
        return AuditEvent.objects.none()
    # Events of regions outside the actor's regency stay hidden; unscoped (system) events show.
    in_scope = scope_q(actor, AUDIT_ROLES, field="scope_code") | Q(scope_code="")
    qs = AuditEvent.objects.filter(in_scope).order_by("-seq")
    if action:
        qs = qs.filter(action__startswith=action)
    if username:
        qs = qs.filter(actor_label=username)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if scope:
        qs = qs.filter(scope_code__startswith=scope)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs
