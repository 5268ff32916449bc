"""The letters' part of the work inbox (``LettersConfig.inbox_sections``).

Who checks and who approves is a property of each letter type (``verifier_roles``,
``approver_roles``), so the sections read the regency's types once and turn them into one
filter per role; each section is then one query (``first_with_total``) or one grouped count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import Role, actor_grants, has_role_anywhere, scope_q
from smartkampung.core.inbox import InboxItem, InboxSection, first_with_total

from . import selectors
from .models import OPEN_STATUSES, LetterRequest, LetterType, RequestStatus
from .permissions import (
    COUNTER_ROLES,
    DEFAULT_APPROVER_ROLES,
    DEFAULT_VERIFIER_ROLES,
    regency_code_of,
)

# A citizen's requests that still need someone to act (them or the village office).
CITIZEN_OPEN = (
    RequestStatus.DRAFT,
    RequestStatus.RETURNED,
    RequestStatus.SUBMITTED,
    RequestStatus.VERIFIED,
    RequestStatus.APPROVED,
)


def _citizen_next(status: str) -> str:
    # The msgids are spelled out for makemessages.
    needs: dict[str, str] = {
        RequestStatus.DRAFT: _("not sent yet — open it and send it"),
        RequestStatus.RETURNED: _("returned — correct it and send it again"),
        RequestStatus.SUBMITTED: _("waiting for the village office's check"),
        RequestStatus.VERIFIED: _("checked — waiting for the village head's signature"),
        RequestStatus.APPROVED: _("approved — the letter is being signed"),
    }
    return needs.get(status, "")


def _actor_types(actor: Any) -> list[LetterType]:
    regencies = {regency_code_of(g.scope) for g in actor_grants(actor)}
    return list(
        LetterType.objects.filter(regency_id__in=regencies).only(
            "pk", "verifier_roles", "approver_roles", "target_minutes"
        )
    )


def _role_q(actor: Any, types: list[LetterType], attr: str, default: tuple[str, ...]) -> Q:
    """Requests whose type names one of the actor's roles (in ``attr``), in that role's scope."""
    q = Q(pk__in=[])
    for role in sorted({g.role for g in actor_grants(actor)}):
        ids = [t.pk for t in types if role in (getattr(t, attr) or default)]
        if ids:
            q |= scope_q(actor, {role}) & Q(letter_type_id__in=ids)
    return q


def _request_item(request: LetterRequest, note: str = "") -> InboxItem:
    return InboxItem(
        label=f"{request.letter_type.title} — {request.resident.full_name}",
        url=reverse("letters:request", args=[request.pk]),
        note=note,
    )


def _since(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return _("sent %(date)s") % {
        "date": timezone.localtime(moment).strftime("%d-%m-%Y %H:%M"),
    }


def staff_sections(actor: Any) -> list[InboxSection]:
    """Village staff: requests to check, returned requests, letters to approve and sign."""
    roles = {g.role for g in actor_grants(actor)}
    verifier_candidates = roles & {*DEFAULT_VERIFIER_ROLES, Role.VILLAGE_HEAD}
    if not roles & {Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD}:
        return []
    types = _actor_types(actor)
    sections: list[InboxSection] = []
    queue = reverse("letters:queue")
    check_q = _role_q(actor, types, "verifier_roles", DEFAULT_VERIFIER_ROLES)
    approve_q = _role_q(actor, types, "approver_roles", DEFAULT_APPROVER_ROLES)
    can_check_any = any(
        r in (t.verifier_roles or DEFAULT_VERIFIER_ROLES) for t in types for r in roles
    )
    can_approve_any = any(
        r in (t.approver_roles or DEFAULT_APPROVER_ROLES) for t in types for r in roles
    )
    if can_check_any and verifier_candidates:
        rows, total = first_with_total(
            selectors.letter_request_queue(actor=actor, status=RequestStatus.SUBMITTED).filter(
                check_q
            )
        )
        sections.append(
            InboxSection(
                key="letters.to_check",
                title=_("Letter requests to check"),
                count=total,
                url=f"{queue}?status={RequestStatus.SUBMITTED}",
                items=tuple(_request_item(r, _since(r.submitted_at)) for r in rows),
                order=10,
            )
        )
    if can_approve_any:
        rows, total = first_with_total(
            selectors.letter_request_queue(actor=actor, status=RequestStatus.VERIFIED).filter(
                approve_q
            )
        )
        sections.append(
            InboxSection(
                key="letters.to_approve",
                title=_("Letters to approve and sign"),
                count=total,
                url=f"{queue}?status={RequestStatus.VERIFIED}",
                items=tuple(_request_item(r, _since(r.submitted_at)) for r in rows),
                order=10,
            )
        )
    if roles & COUNTER_ROLES:
        rows, total = first_with_total(
            selectors.letter_request_queue(actor=actor, status=RequestStatus.RETURNED).filter(
                scope_q(actor, COUNTER_ROLES)
            )
        )
        sections.append(
            InboxSection(
                key="letters.returned",
                title=_("Requests returned for correction"),
                count=total,
                url=f"{queue}?status={RequestStatus.RETURNED}",
                items=tuple(_request_item(r, r.status_reason[:120]) for r in rows),
                order=12,
                note=_("Waiting for the applicant; at the counter, correct them yourself."),
            )
        )
    return sections


def citizen_sections(actor: Any) -> list[InboxSection]:
    """A citizen: their requests in progress (and what each needs), letters to download."""
    if not has_role_anywhere(actor, {Role.CITIZEN}):
        return []
    mine = selectors.letter_request_list_for_applicant(actor=actor)
    rows, total = first_with_total(mine.filter(status__in=CITIZEN_OPEN))
    open_section = InboxSection(
        key="letters.my_requests",
        title=_("Your letter requests in progress"),
        count=total,
        url=reverse("letters:my_requests"),
        items=tuple(
            InboxItem(
                label=f"{r.letter_type.title} — {r.resident.full_name}",
                url=reverse("letters:request", args=[r.pk]),
                note=_citizen_next(r.status)
                + (f": {r.status_reason[:120]}" if r.status == RequestStatus.RETURNED else ""),
            )
            for r in rows
        ),
        tone="urgent" if any(r.status == RequestStatus.RETURNED for r in rows) else "",
        order=5,
    )
    rows, total = first_with_total(
        mine.filter(
            status=RequestStatus.ISSUED,
            letter__isnull=False,
            letter__revoked_at__isnull=True,
            letter__signed_at__isnull=False,
        )
    )
    ready = InboxSection(
        key="letters.ready",
        title=_("Letters ready to download"),
        count=total,
        url=reverse("letters:my_requests"),
        items=tuple(
            InboxItem(
                label=f"{r.letter_type.title} — {r.resident.full_name}",
                url=reverse("letters:letter_pdf", args=[r.letter.pk]),
                note=r.letter.number,
            )
            for r in rows
            if r.letter is not None
        ),
        order=6,
    )
    return [open_section, ready]


def district_sections(actor: Any) -> list[InboxSection]:
    """A kecamatan officer: open requests past their type's target time, per village."""
    if not has_role_anywhere(actor, {Role.DISTRICT_OFFICER}):
        return []
    types = _actor_types(actor)
    now = timezone.now()
    overdue = Q(pk__in=[])
    for t in types:
        overdue |= Q(
            letter_type_id=t.pk, submitted_at__lt=now - dt.timedelta(minutes=t.target_minutes)
        )
    rows = list(
        LetterRequest.objects.filter(
            scope_q(actor, {Role.DISTRICT_OFFICER}), overdue, status__in=OPEN_STATUSES
        )
        .values("village_id", "village__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "village_id")
    )
    overview = reverse("letters:overview")
    return [
        InboxSection(
            key="letters.overdue",
            title=_("Overdue letter requests in your villages"),
            count=sum(r["n"] for r in rows),
            url=overview,
            items=tuple(
                InboxItem(
                    label=str(r["village__name"]),
                    url=f"{overview}?region={r['village_id']}",
                    note=_("%(n)s past the target time") % {"n": r["n"]},
                )
                for r in rows[:8]
            ),
            tone="urgent" if rows else "",
            order=20,
        )
    ]


def inbox_sections(actor: Any) -> list[InboxSection]:
    return [*citizen_sections(actor), *staff_sections(actor), *district_sections(actor)]
