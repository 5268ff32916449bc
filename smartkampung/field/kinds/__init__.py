"""Record kinds: what a device can queue offline and how the server turns it into the real
thing by calling the owning app's services. The queue on the device and the record service
here are generic; a new form (e.g. the posyandu visit, once the health app exists) is one
class with ``parse``/``prepare``/``apply`` named in ``SK_FIELD_RECORD_KINDS`` plus an ES module
for its form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from smartkampung.core.exceptions import ValidationFailed


@dataclass
class Prepared:
    """A parsed record and what ``prepare`` found for it (the village it belongs to, the
    project or resident it is about), handed on to ``apply``."""

    parsed: Any
    village_code: str
    objects: dict[str, Any] = field(default_factory=dict)
    # The device's own facts, kept on the record.
    captured_at: datetime | None = None
    location: dict[str, Any] | None = None


class RecordKindHandler(Protocol):
    kind: str

    def parse(self, payload: dict[str, Any]) -> Any: ...

    def prepare(self, *, actor: Any, parsed: Any) -> Prepared: ...

    def apply(self, *, actor: Any, prepared: Prepared, record: Any, resolution: str) -> None: ...

    def result(self, record: Any) -> dict[str, Any]: ...


def parse_model(model: type[BaseModel], payload: dict[str, Any]) -> Any:
    """Validate a payload against a pydantic model; a refusal lists every problem."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The record is not valid."),
            code="invalid_record",
            details=[
                {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                for e in exc.errors()
            ][:20],
        ) from None


@cache
def _handlers(paths: tuple[tuple[str, str], ...]) -> dict[str, RecordKindHandler]:
    return {kind: import_string(path)() for kind, path in paths}


def handlers() -> dict[str, RecordKindHandler]:
    return _handlers(tuple(sorted(settings.SK_FIELD_RECORD_KINDS.items())))


def handler_for(kind: str) -> RecordKindHandler:
    handler = handlers().get(kind)
    if handler is None:
        raise ValidationFailed(
            _("Unknown kind of record."),
            code="unknown_record_kind",
            details={"kind": kind[:40], "known": sorted(handlers())},
        )
    return handler
