"""Enrolment of recipients, behind the red light (rules.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound
from smartkampung.core.privacy import mask_identifier

from .. import rules
from ..exceptions import EnrolmentRefused, WelfareConflict
from ..models import AidProgramme, Enrolment, EnrolmentStatus, ProgrammeQuota
from ..permissions import can_decide_proposal, can_enrol, can_read_welfare
from .common import require

MAX_API_ROWS = 1000


def enrolment_check(*, actor: Any, candidates: list[rules.Candidate]) -> list[rules.Judgement]:
    """Judge proposed enrolments without saving (the page, the API; the command uses
    ``rules.check`` directly). Every village named must be in the actor's scope (else 404)."""
    for code in {c.village_code for c in candidates}:
        if actor is not None and not can_read_welfare(actor, code):
            raise NotFound(_("Village not found."))
    return list(rules.check(candidates))


def _refusal(judgement: rules.Judgement) -> EnrolmentRefused:
    return EnrolmentRefused(
        " ".join(f.message for f in judgement.findings if f.decision == rules.REFUSE),
        details=[f.as_dict() for f in judgement.findings],
    )


def enrolment_create(*, actor: Any, candidate: rules.Candidate) -> Enrolment:
    """Enrol a person or household for one period. Refused with the findings (the red light)
    when any rule refuses; held for review when a likely duplicate was found."""
    require(
        actor,
        actor is None or can_enrol(actor, candidate.village_code),
        candidate.village_code,
        _("Only the village operator or secretary enrols recipients."),
    )
    with transaction.atomic():
        programme = (
            AidProgramme.objects.select_for_update()
            .filter(
                regency_id=rules.regency_of(candidate.village_code),
                code=candidate.programme_code,
            )
            .first()
        )
        if programme is not None:
            # Serialise enrolments of one programme and village: the quota holds.
            ProgrammeQuota.objects.select_for_update().filter(
                programme=programme, village_id=candidate.village_code
            ).first()
        judgement = next(iter(rules.check([candidate])))
        if judgement.decision == rules.REFUSE:
            raise _refusal(judgement)
        assert judgement.programme is not None and judgement.household_id is not None
        enrolment = Enrolment.objects.create(
            programme=judgement.programme,
            period=candidate.period,
            village_id=candidate.village_code,
            household_id=judgement.household_id,
            resident_id=judgement.resident_id,
            nik=judgement.nik,
            kk_number=judgement.kk_number,
            name_search=judgement.name_search,
            birth_date=judgement.birth_date,
            status=EnrolmentStatus.REVIEW
            if judgement.decision == rules.REVIEW
            else EnrolmentStatus.ACTIVE,
            findings=[f.as_dict() for f in judgement.findings],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor,
            "welfare.enrolment_create",
            enrolment,
            {
                "programme": programme.code if programme else "",
                "period": candidate.period,
                "status": enrolment.status,
                "kk": mask_identifier(judgement.kk_number),
                "rules": judgement.rules,
            },
        )
    return enrolment


def enrolment_review_decide(*, actor: Any, enrolment: Enrolment, accept: bool) -> Enrolment:
    """The social office decides an enrolment held for review (a likely duplicate)."""
    require(
        actor,
        can_decide_proposal(actor, enrolment.village_id),
        enrolment.village_id,
        _("Only the social affairs office decides enrolments held for review."),
    )
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != EnrolmentStatus.REVIEW:
            raise WelfareConflict(_("This enrolment is not waiting for review."))
        locked.status = EnrolmentStatus.ACTIVE if accept else EnrolmentStatus.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(actor, "welfare.enrolment_review", locked, {"status": locked.status})
    return locked


def enrolment_withdraw(*, actor: Any, enrolment: Enrolment) -> None:
    """Remove an enrolment that has not been paid (village staff); audited."""
    require(
        actor,
        can_enrol(actor, enrolment.village_id),
        enrolment.village_id,
        _("Only the village operator or secretary enrols recipients."),
    )
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.payments.exists():
            raise WelfareConflict(_("A paid enrolment cannot be withdrawn."))
        audit.record(
            actor,
            "welfare.enrolment_withdraw",
            locked,
            {"programme": locked.programme_id, "period": locked.period},
        )
        locked.delete()
