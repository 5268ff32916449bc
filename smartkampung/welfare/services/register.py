"""Writes to the welfare register: the DTKS/DTSEN import (versions, never overwrites)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartkampung import audit
from smartkampung.core.exceptions import PermissionDenied, ValidationFailed

from .. import register_import as reader
from ..exceptions import WelfareErrorCode
from ..models import EntrySource, RegisterEntry, RegisterImport
from ..permissions import can_import_register

PhaseFn = Callable[[str], None]
_BATCH = 5000


class RegisterImportRefused(ValidationFailed):
    """``details`` is the list of {"row", "column", "message"} (the first 1,000)."""

    code = WelfareErrorCode.IMPORT_INVALID

    def __init__(self, errors: list[reader.RowError]) -> None:
        super().__init__(
            ngettext(
                "The file has %(n)d error; nothing was imported.",
                "The file has %(n)d errors; nothing was imported.",
                len(errors),
            )
            % {"n": len(errors)},
            details=[e.as_dict() for e in errors[: reader.MAX_REPORTED_ERRORS]],
        )
        self.total = len(errors)


def register_import(
    *,
    actor: Any,
    data: bytes,
    file_name: str = "",
    as_of: date | None = None,
    phase: PhaseFn | None = None,
) -> RegisterImport:
    """Check every row, match households, then write new versions in one transaction.

    Idempotent: a household whose current version already says the same (decile, flags,
    DTKS ID) is left alone, and a file imported before returns the earlier import unchanged.
    Households missing from the file keep their version (removal is a proposal, ADR 0080).
    Raises RegisterImportRefused (errors by row and column) or FileRefused; then nothing
    changes. ``actor=None`` is the system (the management command)."""
    if actor is not None and not can_import_register(actor):
        raise PermissionDenied(_("Only the social affairs office imports the welfare register."))
    day = as_of or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    if phase:
        phase("checking")
    checked = reader.check_file(data)
    if checked.errors:
        checked.errors.sort(key=lambda e: (e.row, e.column))
        raise RegisterImportRefused(checked.errors)
    earlier = RegisterImport.objects.filter(sha256=digest, as_of=day).first()
    if earlier is not None:
        return earlier
    if phase:
        phase("matching")
    matched = reader.match(checked.rows)
    if phase:
        phase("saving")
    with transaction.atomic():
        record = RegisterImport.objects.create(
            file_name=file_name[:200],
            sha256=digest,
            as_of=day,
            created_by=actor if getattr(actor, "pk", None) else None,
            row_count=len(checked.rows),
            household_count=len(matched.households),
            report_json=[line.as_dict() for line in matched.report[: reader.MAX_REPORT_ROWS]],
        )
        new, unchanged, skipped = _write_versions(record, matched.households, day)
        record.new_versions, record.unchanged = new, unchanged
        if skipped:
            record.report_json = [
                *record.report_json,
                {
                    "row": 0,
                    "kind": "newer_version",
                    "message": _(
                        "%(n)d households already have a version newer than %(day)s; kept."
                    )
                    % {"n": skipped, "day": day.isoformat()},
                },
            ]
        record.save(update_fields=["new_versions", "unchanged", "report_json"])
        audit.record(
            actor,
            "welfare.register_import",
            record,
            {
                "rows": record.row_count,
                "households": record.household_count,
                "new_versions": new,
                "unchanged": unchanged,
                "report": matched.counts(),
                "as_of": day.isoformat(),
            },
        )
    return record


def _write_versions(
    record: RegisterImport, households: list[reader.MatchedHousehold], day: date
) -> tuple[int, int, int]:
    new = unchanged = skipped = 0
    for start in range(0, len(households), _BATCH):
        part = households[start : start + _BATCH]
        current = {
            e.household_id: e
            for e in RegisterEntry.objects.select_for_update().filter(
                household_id__in=[h.household_id for h in part], valid_to__isnull=True
            )
        }
        to_close: list[int] = []
        to_create: list[RegisterEntry] = []
        for h in part:
            entry = current.get(h.household_id)
            if entry is not None:
                if (
                    entry.decile == h.decile
                    and list(entry.flags) == h.flags
                    and entry.dtks_id == h.dtks_id
                    and entry.village_id == h.village_code
                ):
                    unchanged += 1
                    continue
                if entry.valid_from > day:
                    skipped += 1
                    continue
                to_close.append(entry.pk)
            to_create.append(
                RegisterEntry(
                    household_id=h.household_id,
                    village_id=h.village_code,
                    dtks_id=h.dtks_id,
                    decile=h.decile,
                    flags=h.flags,
                    member_count=h.member_count,
                    valid_from=day,
                    source=EntrySource.IMPORT,
                    register_import=record,
                )
            )
        if to_close:
            RegisterEntry.objects.filter(pk__in=to_close).update(valid_to=day)
        RegisterEntry.objects.bulk_create(to_create, batch_size=2000)
        new += len(to_create)
    return new, unchanged, skipped
