"""Enrolment by import: a CSV/XLSX of recipients, every row behind the red light (ADR 0085)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartkampung import audit
from smartkampung.accounts.permissions import has_role_anywhere
from smartkampung.core.exceptions import PermissionDenied, TooLarge, ValidationFailed

from .. import enrolment_import as reader
from .. import rules
from ..exceptions import WelfareErrorCode
from ..models import AidProgramme, Enrolment, EnrolmentStatus, ProgrammeQuota, Target
from ..permissions import SOCIAL_ROLES, VILLAGE_WRITE_ROLES, can_enrol


class EnrolmentImportRefused(ValidationFailed):
    """``details`` is the list of {"row", "column", "message", "rules"} (the first 1,000)."""

    code = WelfareErrorCode.ENROLMENT_IMPORT_INVALID

    def __init__(self, errors: list[reader.RowError]) -> None:
        super().__init__(
            ngettext(
                "The file has %(n)d error; nobody was enrolled.",
                "The file has %(n)d errors; nobody was enrolled.",
                len(errors),
            )
            % {"n": len(errors)},
            details=[e.as_dict() for e in errors[: reader.MAX_REPORTED_ERRORS]],
        )
        self.total = len(errors)


@dataclass
class EnrolmentImportResult:
    rows: int = 0
    created: int = 0
    review: int = 0
    # Rows already enrolled before (a file imported twice changes nothing the second time).
    unchanged: int = 0
    enrolment_ids: list[int] = field(default_factory=list)


def _recipient_key(j: rules.Judgement) -> tuple[int, str, int | None] | None:
    if j.programme is None or j.household_id is None:
        return None
    who = j.resident_id if j.programme.target == Target.PERSON else j.household_id
    return (j.programme.pk, j.candidate.period, who)


def enrolment_import(*, actor: Any, data: bytes, file_name: str = "") -> EnrolmentImportResult:
    """Enrol every row of a file, or nobody.

    Every row is first checked for shape (errors by row and column) and then judged with the
    red light, exactly as ``enrolment_create`` judges one: any refused row refuses the whole
    file (the rule codes are in the error); a likely duplicate is enrolled held for review.
    Idempotent: a row already enrolled (same programme, period, recipient and village) is
    counted as unchanged. One transaction, one audit event. Villages outside the actor's scope
    are row errors. ``actor=None`` is the system."""
    if actor is not None and not has_role_anywhere(actor, VILLAGE_WRITE_ROLES | SOCIAL_ROLES):
        raise PermissionDenied(_("Only the village operator or secretary enrols recipients."))
    limit = reader.max_bytes()
    if len(data) > limit:
        raise TooLarge(
            _("The file is larger than the limit of %(mb).1f MB.") % {"mb": limit / 1024 / 1024},
            code="file_too_large",
        )
    checked = reader.check_file(
        data, may_enrol=lambda code: actor is None or can_enrol(actor, code)
    )
    if checked.errors:
        checked.errors.sort(key=lambda e: (e.row, e.column))
        raise EnrolmentImportRefused(checked.errors)
    result = EnrolmentImportResult(rows=len(checked.rows))
    candidates = [c for _n, c in checked.rows]
    with transaction.atomic():
        # The same locks as enrolment_create: the programmes named, then their quota rows of
        # the villages named, so that concurrent enrolments cannot overfill a quota.
        regencies = {rules.regency_of(c.village_code) for c in candidates}
        codes = {c.programme_code for c in candidates}
        programmes = list(
            AidProgramme.objects.select_for_update()
            .filter(regency_id__in=regencies, code__in=codes)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if programmes:
            list(
                ProgrammeQuota.objects.select_for_update()
                .filter(
                    programme_id__in=programmes,
                    village_id__in={c.village_code for c in candidates},
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        errors: list[reader.RowError] = []
        to_create: list[tuple[rules.Judgement, Enrolment]] = []
        in_file: dict[tuple[int, str, int | None], int] = {}
        for (number, candidate), j in zip(checked.rows, rules.check(candidates), strict=True):
            key = _recipient_key(j)
            refusing = [f for f in j.findings if f.decision == rules.REFUSE]
            if j.decision == rules.REFUSE:
                if [f.code for f in refusing] == [rules.Rule.ALREADY_ENROLLED]:
                    if key is not None and key in in_file:
                        errors.append(
                            reader.RowError(
                                number,
                                "nik" if candidate.nik else "kk_number",
                                _("Names the same recipient as row %(row)d.")
                                % {"row": in_file[key]},
                                [rules.Rule.ALREADY_ENROLLED],
                            )
                        )
                    else:
                        result.unchanged += 1
                    continue
                for f in refusing:
                    errors.append(
                        reader.RowError(
                            number, reader.RULE_COLUMN.get(f.code, ""), f.message, [f.code]
                        )
                    )
                continue
            assert j.programme is not None and j.household_id is not None and key is not None
            in_file[key] = number
            to_create.append(
                (
                    j,
                    Enrolment(
                        programme=j.programme,
                        period=candidate.period,
                        village_id=candidate.village_code,
                        household_id=j.household_id,
                        resident_id=j.resident_id,
                        nik=j.nik,
                        kk_number=j.kk_number,
                        name_search=j.name_search,
                        birth_date=j.birth_date,
                        status=EnrolmentStatus.REVIEW
                        if j.decision == rules.REVIEW
                        else EnrolmentStatus.ACTIVE,
                        findings=[f.as_dict() for f in j.findings],
                        created_by=actor if getattr(actor, "pk", None) else None,
                    ),
                )
            )
        if errors:
            errors.sort(key=lambda e: (e.row, e.column))
            raise EnrolmentImportRefused(errors)
        created = Enrolment.objects.bulk_create([e for _j, e in to_create], batch_size=1000)
        result.enrolment_ids = [e.pk for e in created if e.pk is not None]
        result.review = sum(1 for e in created if e.status == EnrolmentStatus.REVIEW)
        result.created = len(created) - result.review
        villages = sorted({c.village_code for c in candidates})
        audit.record(
            actor,
            "welfare.enrolment_import",
            None,
            {
                "file": file_name[:200],
                "rows": result.rows,
                "created": result.created,
                "review": result.review,
                "unchanged": result.unchanged,
                "programmes": sorted(codes),
                "villages": villages[:50],
                # Ids only (no NIK or KK): the enrolments themselves say who.
                "enrolments": result.enrolment_ids[:5000],
            },
            scope=villages[0] if len(villages) == 1 else rules.regency_of(villages[0]),
        )
    return result
