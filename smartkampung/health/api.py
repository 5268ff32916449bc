"""Health API: WHO z-scores, a child's visits, recording a visit, pregnancies and their
outcome, prevalence figures."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.http import HttpRequest
from ninja import Router, Status

from smartkampung.core.api import ERRORS

from . import selectors, services
from .growth.who import FEMALE, LYING, MALE, STANDING, compute_zscores
from .models import AreaKind, GrowthVisit, Pregnancy
from .schemas import (
    FigureOut,
    PregnancyCloseIn,
    PregnancyOut,
    VisitIn,
    VisitOut,
    ZScoreIn,
    ZScoreOut,
)

router = Router(tags=["health"])


def _nan(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


@router.post("/zscores", response={200: list[ZScoreOut], **ERRORS}, summary="WHO 2006 z-scores")
def zscores(request: HttpRequest, payload: list[ZScoreIn]) -> list[dict[str, Any]]:
    """The same computation as the pages and ``growth_zscores`` (nothing is stored)."""
    from smartkampung.core.exceptions import ValidationFailed

    if len(payload) > 10_000:
        raise ValidationFailed("At most 10,000 measurements per request.")
    for i, m in enumerate(payload):
        if m.visit_date < m.birth_date:
            raise ValidationFailed(
                "The visit is before the birth.", details={"index": i, "field": "visit_date"}
            )
        for field in ("weight_kg", "height_cm"):
            value = getattr(m, field)
            if value is not None and not (0 < value < 1000):
                raise ValidationFailed(
                    "Must be a positive number.", details={"index": i, "field": field}
                )
    z = compute_zscores(
        sex=[MALE if m.sex == "M" else FEMALE for m in payload],
        age_days=[(m.visit_date - m.birth_date).days for m in payload],
        weight_kg=[np.nan if m.weight_kg is None else m.weight_kg for m in payload],
        height_cm=[np.nan if m.height_cm is None else m.height_cm for m in payload],
        position=[{"lying": LYING, "standing": STANDING}.get(m.position, 0) for m in payload],
    )
    return [
        {
            "age_days": int(z.age_days[i]),
            "waz": _nan(z.waz[i]),
            "haz": _nan(z.haz[i]),
            "whz": _nan(z.whz[i]),
            "baz": _nan(z.baz[i]),
            "flags": [f for f in z.flag_names(i) if f != "hcz"],
        }
        for i in range(len(payload))
    ]


def _visit_out(v: GrowthVisit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "visit_date": v.visit_date,
        "age_days": v.age_days,
        "weight_kg": None if v.weight_kg is None else str(v.weight_kg),
        "height_cm": None if v.height_cm is None else str(v.height_cm),
        "position": v.position,
        "waz": v.waz,
        "haz": v.haz,
        "whz": v.whz,
        "baz": v.baz,
        "stunted": v.stunted,
        "wasted": v.wasted,
        "underweight": v.underweight,
        "trend": v.trend,
        "needs_remeasure": v.needs_remeasure,
    }


@router.get(
    "/children/{child_id}/visits",
    response={200: list[VisitOut], **ERRORS},
    summary="A child's growth visits (logged view)",
)
def visit_list(request: HttpRequest, child_id: int) -> list[dict[str, Any]]:
    child = selectors.child_get(actor=request.user, child_id=child_id)
    services.child_record_view(actor=request.user, child=child, channel="api")
    return [_visit_out(v) for v in selectors.growth_visit_list(actor=request.user, child=child)]


@router.post(
    "/children/{child_id}/visits",
    response={201: VisitOut, **ERRORS},
    summary="Record a growth visit (the posyandu's cadre)",
)
def visit_create(request: HttpRequest, child_id: int, payload: VisitIn) -> Status[dict[str, Any]]:
    posyandu = selectors.posyandu_get(actor=request.user, posyandu_id=payload.posyandu)
    data = payload.dict()
    del data["posyandu"]
    visit = services.growth_visit_record(
        actor=request.user, posyandu=posyandu, child_id=child_id, **data
    )
    return Status(201, _visit_out(visit))


def _pregnancy_out(p: Pregnancy) -> dict[str, Any]:
    last = p.visits.order_by("-visit_date").first()
    return {
        "id": p.pk,
        "posyandu": p.posyandu_id,
        "mother": p.mother_id,
        "registered_on": p.registered_on,
        "expected_delivery": p.expected_delivery,
        "ended_on": p.ended_on,
        "outcome": p.outcome,
        "chronic_energy_deficiency": bool(last and last.chronic_energy_deficiency),
    }


@router.get(
    "/pregnancies/{pregnancy_id}",
    response={200: PregnancyOut, **ERRORS},
    summary="A pregnancy with its outcome once closed",
)
def pregnancy_detail(request: HttpRequest, pregnancy_id: int) -> dict[str, Any]:
    return _pregnancy_out(selectors.pregnancy_get(actor=request.user, pregnancy_id=pregnancy_id))


@router.post(
    "/pregnancies/{pregnancy_id}/close",
    response={200: PregnancyOut, **ERRORS},
    summary="Close a pregnancy with its outcome and date (the posyandu's cadre)",
)
def pregnancy_close(
    request: HttpRequest, pregnancy_id: int, payload: PregnancyCloseIn
) -> dict[str, Any]:
    pregnancy = selectors.pregnancy_get(actor=request.user, pregnancy_id=pregnancy_id)
    closed = services.pregnancy_close(
        actor=request.user, pregnancy=pregnancy, outcome=payload.outcome, ended_on=payload.ended_on
    )
    return _pregnancy_out(closed)


@router.get(
    "/prevalence/{area_kind}/{area_code}",
    response={200: list[FigureOut], **ERRORS},
    summary="Monthly prevalence of an area (posyandu id or region code)",
)
def prevalence(request: HttpRequest, area_kind: str, area_code: str) -> list[dict[str, Any]]:
    from smartkampung.core.exceptions import NotFound

    if area_kind not in AreaKind.values:
        raise NotFound("Not found.")
    rows = selectors.prevalence_series(
        actor=request.user, area_kind=area_kind, area_code=area_code, months=60
    )
    return [
        {
            "month": f.month,
            "measured": f.measured,
            "stunted": f.stunted,
            "stunting_percent": f.stunting_percent,
            "wasted": f.wasted,
            "wasting_percent": f.wasting_percent,
            "underweight": f.underweight,
            "underweight_percent": f.underweight_percent,
        }
        for f in rows
    ]
