"""The posyandu visit (penimbangan) weighed offline by a cadre, recorded through the health
app's visit service when the link returns. The health service validates (ranges, dates, the
cadre's posyandu, one visit a month); its refusals become answers the cadre can act on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from smartkampung.core.exceptions import NotFound
from smartkampung.health import selectors as health_selectors
from smartkampung.health import services as health_services
from smartkampung.health.exceptions import VisitExists, VisitInvalid
from smartkampung.health.permissions import can_record_at
from smartkampung.population.models import LIVING_STATUSES

from ..exceptions import FieldErrorCode, RecordConflict
from . import Prepared, parse_model

Measure = float | None
# A vaccine code of the schedule; which codes exist, and once per child, is the service's check.
VaccineCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class VisitPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    posyandu: int = Field(ge=1)
    child: int = Field(ge=1)
    visit_date: date
    # Plain numbers; the health service checks the plausible ranges (its refusal is shown to
    # the cadre with the field to correct), so only absurd magnitudes are refused here.
    weight_kg: Measure = Field(default=None, ge=0, le=1000)
    height_cm: Measure = Field(default=None, ge=0, le=1000)
    position: Literal["", "lying", "standing"] = ""
    muac_cm: Measure = Field(default=None, ge=0, le=1000)
    head_cm: Measure = Field(default=None, ge=0, le=1000)
    vitamin_a: bool = False
    immunisations: list[VaccineCode] = Field(default_factory=list, max_length=30)
    exclusive_breastfeeding: bool | None = None
    captured_at: datetime | None = None


def field_labels() -> dict[str, str]:
    return {
        "visit_date": _("Visit date"),
        "weight_kg": _("Weight"),
        "height_cm": _("Length/height"),
        "position": _("Measured"),
        "muac_cm": _("MUAC"),
        "head_cm": _("Head circumference"),
        "exclusive_breastfeeding": _("Exclusive breastfeeding"),
        "immunisations": _("Immunisations"),
    }


def _number(value: float | None) -> str | None:
    return None if value is None else repr(value)


class PosyanduVisitKind:
    kind = "posyandu_visit"

    def parse(self, payload: dict[str, Any]) -> VisitPayload:
        parsed: VisitPayload = parse_model(VisitPayload, payload)
        return parsed

    def prepare(self, *, actor: Any, parsed: VisitPayload) -> Prepared:
        try:
            posyandu = health_selectors.posyandu_get(actor=actor, posyandu_id=parsed.posyandu)
        except NotFound:
            posyandu = None
        if posyandu is None or not can_record_at(actor, posyandu):
            raise RecordConflict(
                _(
                    "You are no longer a cadre of this posyandu, so this visit cannot be "
                    "recorded from your device. Ask the village operator; the visit stays on "
                    "this device until you discard it."
                ),
                code=FieldErrorCode.POSYANDU_UNAVAILABLE,
                actions=["discard"],
            )
        try:
            child = health_selectors.child_get(actor=actor, child_id=parsed.child)
        except NotFound:
            child = None
        if (
            child is None
            or child.village_id != posyandu.village_id
            or child.status not in LIVING_STATUSES
        ):
            raise RecordConflict(
                _(
                    "This child is no longer registered in your posyandu's village (moved to "
                    "another village, or the register was corrected). Ask the village operator "
                    "to check the register; the visit stays on this device until you discard it."
                ),
                code=FieldErrorCode.CHILD_UNAVAILABLE,
                actions=["discard"],
            )
        return Prepared(
            parsed=parsed,
            village_code=posyandu.village_id,
            objects={"posyandu": posyandu, "child": child},
            captured_at=parsed.captured_at,
        )

    def apply(self, *, actor: Any, prepared: Prepared, record: Any, resolution: str) -> None:
        parsed: VisitPayload = prepared.parsed
        try:
            visit = health_services.growth_visit_record(
                actor=actor,
                posyandu=prepared.objects["posyandu"],
                child_id=prepared.objects["child"].pk,
                visit_date=parsed.visit_date,
                weight_kg=_number(parsed.weight_kg),
                height_cm=_number(parsed.height_cm),
                position=parsed.position,
                head_cm=_number(parsed.head_cm),
                muac_cm=_number(parsed.muac_cm),
                vitamin_a=parsed.vitamin_a,
                immunisations=parsed.immunisations,
                exclusive_breastfeeding=parsed.exclusive_breastfeeding,
            )
        except VisitInvalid as exc:
            problems = exc.details if isinstance(exc.details, dict) else {}
            labels = field_labels()
            listed = "; ".join(f"{labels.get(k, k)}: {v}" for k, v in problems.items())
            raise RecordConflict(
                _("The visit was not recorded: %(problems)s Correct it, or discard it.")
                % {"problems": listed or exc.message},
                code=FieldErrorCode.VISIT_INVALID,
                actions=["edit", "discard"],
                fields={k: str(v) for k, v in problems.items()},
            ) from None
        except VisitExists:
            raise RecordConflict(
                _(
                    "This child was already measured this month (by another cadre or on the "
                    "posyandu's page) while this visit waited. Check the child's record; "
                    "discard this visit."
                ),
                code=FieldErrorCode.VISIT_EXISTS,
                actions=["discard"],
            ) from None
        record.growth_visit = visit
        record.save(update_fields=["growth_visit"])

    def result(self, record: Any) -> dict[str, Any]:
        visit = record.growth_visit
        return {
            "visit": visit.pk if visit else None,
            "child": visit.child_id if visit else None,
            "visit_date": visit.visit_date.isoformat() if visit else None,
            # An implausible measurement is stored but queued to be measured again.
            "needs_remeasure": visit.needs_remeasure if visit else None,
        }
