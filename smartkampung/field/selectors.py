"""Reads of the field app, scoped to the acting user (404 outside)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import scope_codes, scope_q
from smartkampung.core.exceptions import NotFound
from smartkampung.health import selectors as health_selectors
from smartkampung.health.permissions import cadre_posyandu_id
from smartkampung.health.schedule import immunisation_schedule
from smartkampung.letters import selectors as letter_selectors
from smartkampung.letters.permissions import COUNTER_ROLES, regency_code_of
from smartkampung.projects import selectors as project_selectors
from smartkampung.projects.models import ProgressReport
from smartkampung.projects.permissions import REPORT_ROLES

from .models import DeviceSession, FieldPhoto, FieldRecord
from .permissions import DEVICE_REVOKE_ROLES, can_visit_anywhere, user_id_of

# The bootstrap list of projects a device keeps for offline reports (the newest first).
BOOTSTRAP_PROJECTS = 500
# The children under five a cadre's device keeps (a posyandu serves some tens to a few hundred).
BOOTSTRAP_CHILDREN = 1000


def device_list(*, actor: Any) -> QuerySet[DeviceSession]:
    """The actor's own devices, and for a village head the devices of the people who hold a
    role in their village."""
    if not getattr(actor, "is_authenticated", False):
        return DeviceSession.objects.none()
    villages = [c for c in scope_codes(actor, DEVICE_REVOKE_ROLES) if c.count(".") == 3]
    condition = Q(user_id=actor.pk)
    if villages:
        condition |= Q(user__role_assignments__scope_id__in=villages)
    ids = DeviceSession.objects.filter(condition).values("pk")
    return (
        DeviceSession.objects.filter(pk__in=ids)
        .select_related("user", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def record_get(*, actor: Any, key: uuid.UUID) -> FieldRecord:
    """A record the actor's device sent (nobody else's: 404)."""
    record = (
        FieldRecord.objects.filter(user_id=user_id_of(actor), key=key)
        .select_related("report", "letter_request__resident", "growth_visit")
        .prefetch_related(Prefetch("photos", queryset=FieldPhoto.objects.order_by("index")))
        .first()
    )
    if record is None:
        raise NotFound(_("Record not found."))
    return record


def bootstrap_projects(*, actor: Any) -> list[dict[str, Any]]:
    """Projects the actor may report progress on, with the stages already reported: what the
    device needs to fill a report offline (no personal data)."""
    projects = list(
        project_selectors.project_list(actor=actor).filter(scope_q(actor, REPORT_ROLES))[
            :BOOTSTRAP_PROJECTS
        ]
    )
    stages: dict[int, list[int]] = {}
    for project_id, stage in ProgressReport.objects.filter(
        project_id__in=[p.pk for p in projects]
    ).values_list("project_id", "stage"):
        stages.setdefault(project_id, []).append(stage)
    return [
        {
            "id": p.pk,
            "title": p.title,
            "village": p.village_id,
            "village_name": p.village.name,
            "status": p.status,
            "progress": p.progress,
            "lat": p.lat,
            "lng": p.lng,
            "reported_stages": sorted(stages.get(p.pk, [])),
        }
        for p in projects
    ]


def bootstrap_letter_types(*, actor: Any) -> list[dict[str, Any]]:
    """The letter types of the regencies where the actor takes requests at the counter."""
    regencies = sorted({regency_code_of(code) for code in scope_codes(actor, COUNTER_ROLES)})
    types = []
    for regency in regencies:
        for letter_type in letter_selectors.letter_type_list(regency_code=regency):
            types.append(
                {
                    "code": letter_type.code,
                    "title": letter_type.title,
                    "fields": [f.as_dict() for f in letter_type.field_specs],
                }
            )
    return types


def bootstrap_posyandu(*, actor: Any) -> dict[str, Any] | None:
    """For a posyandu cadre: the posyandu, the national vaccine list (code, label in the
    user's language) and the children under five it serves, with only what the visit form
    needs offline (name, birth date, sex, the vaccine codes already given; no NIK, no
    household), else None."""
    # The role is in the cached grants: only a cadre costs the look-up of its posyandu.
    posyandu_id = cadre_posyandu_id(actor) if can_visit_anywhere(actor) else None
    if posyandu_id is None:
        return None
    try:
        posyandu = health_selectors.posyandu_get(actor=actor, posyandu_id=posyandu_id)
    except NotFound:  # pragma: no cover - the cadre's own posyandu is always visible
        return None
    under_five = health_selectors.children_under_five(actor=actor, posyandu=posyandu)
    children = under_five.values_list("pk", "full_name", "birth_date", "sex")[:BOOTSTRAP_CHILDREN]
    # Only the codes already given, so the form offers the others (the service refuses twice).
    given = health_selectors.immunisations_given(actor=actor, children=under_five)
    return {
        "id": posyandu.pk,
        "name": posyandu.name,
        "village": posyandu.village_id,
        "village_name": posyandu.village.name,
        "vaccines": [{"code": v.code, "label": v.label()} for v in immunisation_schedule()],
        "children": [
            {
                "id": pk,
                "name": name,
                "birth_date": born.isoformat(),
                "sex": sex,
                "given": given.get(pk, []),
            }
            for pk, name, born, sex in children
        ],
    }


def photo_device_facts(*, photo_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What the device said about stored photos it sent: the photo's capture time on the
    device, when the record was made, where the device was (accuracy, when it knew) and when
    it was sent, beside the server's receipt time. Input for the red-flag rules, which run as
    the system over every village (so no actor), and carry no personal data. The photo's own
    EXIF is kept in the photo (the bytes are stored exactly as sent)."""
    rows = FieldPhoto.objects.filter(photo_id__in=photo_ids).select_related("record")
    return {
        row.photo_id: {
            "photo_captured_at": row.captured_at,
            "record_captured_at": row.record.captured_at,
            "device_lat": row.record.device_lat,
            "device_lng": row.record.device_lng,
            "device_accuracy_m": row.record.device_accuracy_m,
            "located_at": row.record.located_at,
            "sent_at": row.record.sent_at,
            "received_at": row.record.received_at,
        }
        for row in rows
        if row.photo_id is not None
    }
