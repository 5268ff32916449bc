from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from smartkampung.accounts.permissions import can_view_audit
from smartkampung.core.api import ERRORS, BoundedLimitOffsetPagination
from smartkampung.core.exceptions import NotFound

from .checkpoints import checkpoint_publication
from .schemas import AuditEventOut, AuditFilter, CheckpointsOut
from .selectors import audit_event_list

router = Router(tags=["audit"])


@router.get("/events", response={200: list[AuditEventOut], **ERRORS}, summary="Audit trail")
@paginate(BoundedLimitOffsetPagination)
def events(request: HttpRequest, filters: Query[AuditFilter]) -> list[dict[str, object]]:
    if not can_view_audit(request.user):
        raise NotFound()
    qs = audit_event_list(actor=request.user, **filters.dict())
    return [
        {
            "seq": e.seq,
            "created_at": e.created_at,
            "actor": e.actor_label,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "scope_code": e.scope_code,
            "data": e.data,
            "hash": e.hash,
        }
        for e in qs
    ]


@router.get(
    "/checkpoints",
    response={200: CheckpointsOut, **ERRORS},
    auth=None,
    summary="Signed checkpoints of the audit chain (public)",
)
def checkpoints(request: HttpRequest) -> dict[str, object]:
    return checkpoint_publication()
