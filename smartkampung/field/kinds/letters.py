"""The counter letter request: drafted at the village office while the link is down, made
through the letters app's service when it returns (as a draft, or sent for checking)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from smartkampung.core.exceptions import NotFound
from smartkampung.core.privacy import mask_identifier
from smartkampung.letters import selectors as letter_selectors
from smartkampung.letters.permissions import regency_code_of
from smartkampung.letters.services import requests as letter_services
from smartkampung.population.selectors import ResidentFilters, resident_list

from ..exceptions import FieldErrorCode, RecordConflict
from ..permissions import can_take_counter_requests
from . import Prepared, parse_model


class LetterPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str = Field(min_length=1, max_length=40)
    nik: Annotated[str, Field(pattern=r"^\d{16}$")]
    values: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=2000)]] = (
        Field(default_factory=dict, max_length=40)
    )
    submit: bool = False
    captured_at: datetime | None = None


class LetterRequestKind:
    kind = "letter_request"

    def parse(self, payload: dict[str, Any]) -> LetterPayload:
        parsed: LetterPayload = parse_model(LetterPayload, payload)
        return parsed

    def prepare(self, *, actor: Any, parsed: LetterPayload) -> Prepared:
        candidates = resident_list(actor=actor, filters=ResidentFilters(search=parsed.nik)).filter(
            nik=parsed.nik
        )
        resident = next(
            (r for r in candidates if can_take_counter_requests(actor, r.village_id)), None
        )
        if resident is None:
            raise RecordConflict(
                _(
                    "No living resident of your village has the NIK %(nik)s any more (moved "
                    "away, died, or a typing error). Check the NIK on the family card and "
                    "correct it, or discard the draft."
                )
                % {"nik": mask_identifier(parsed.nik)},
                code=FieldErrorCode.RESIDENT_NOT_FOUND,
                actions=["edit", "discard"],
            )
        try:
            letter_type = letter_selectors.letter_type_get(
                regency_code=regency_code_of(resident.village_id), code=parsed.type
            )
        except NotFound:
            raise RecordConflict(
                _("This letter type is no longer offered. Choose another type, or discard."),
                code=FieldErrorCode.LETTER_TYPE_UNAVAILABLE,
                actions=["edit", "discard"],
            ) from None
        return Prepared(
            parsed=parsed,
            village_code=resident.village_id,
            objects={"resident": resident, "letter_type": letter_type},
            captured_at=parsed.captured_at,
        )

    def apply(self, *, actor: Any, prepared: Prepared, record: Any, resolution: str) -> None:
        parsed: LetterPayload = prepared.parsed
        request = letter_services.letter_request_create(
            actor=actor,
            letter_type=prepared.objects["letter_type"],
            resident=prepared.objects["resident"],
            values=dict(parsed.values),
            submit=parsed.submit,
        )
        record.letter_request = request
        record.save(update_fields=["letter_request"])

    def result(self, record: Any) -> dict[str, Any]:
        request = record.letter_request
        return {
            "letter_request": request.pk if request else None,
            "status": request.status if request else None,
            "resident_nik_masked": mask_identifier(request.resident.nik) if request else None,
        }
