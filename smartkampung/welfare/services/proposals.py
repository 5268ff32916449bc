"""The villages' proposal cycle (usulan): the operator proposes, the kecamatan checks, the
social office approves; an approval writes a new register version (ADR 0080)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound
from smartkampung.population.models import Household

from ..exceptions import WelfareConflict, WelfareInvalid
from ..models import (
    DECILE_MAX,
    DECILE_MIN,
    EntrySource,
    ProposalKind,
    ProposalStatus,
    RegisterEntry,
    WelfareProposal,
)
from ..permissions import can_check_proposal, can_decide_proposal, can_propose
from .common import clean_text, require


def _current(household_id: int) -> RegisterEntry | None:
    return RegisterEntry.objects.filter(household_id=household_id, valid_to__isnull=True).first()


def _validate(kind: str, decile: Any, current: RegisterEntry | None) -> int | None:
    if kind not in ProposalKind.values:
        raise WelfareInvalid(_("Choose add, remove or change of decile."), code="invalid_kind")
    value: int | None = None
    if kind in (ProposalKind.ADD, ProposalKind.DECILE):
        try:
            value = int(str(decile).strip())
        except (TypeError, ValueError):
            value = None
        if value is None or not DECILE_MIN <= value <= DECILE_MAX:
            raise WelfareInvalid(
                _("The decile is a whole number from 1 to 10."), code="invalid_decile"
            )
    if kind == ProposalKind.ADD and current is not None:
        raise WelfareInvalid(
            _("The household is already in the register (propose a change of decile)."),
            code="already_in_register",
        )
    if kind in (ProposalKind.REMOVE, ProposalKind.DECILE) and current is None:
        raise WelfareInvalid(_("The household is not in the register."), code="not_in_register")
    if kind == ProposalKind.DECILE and current is not None and current.decile == value:
        raise WelfareInvalid(_("The household already has this decile."), code="same_decile")
    return value


def proposal_create(
    *, actor: Any, household_id: int, kind: str, decile: Any, reason: str, evidence: str
) -> WelfareProposal:
    """A village operator or secretary proposes a change for a household of their village."""
    household = Household.objects.filter(pk=household_id).first()
    if household is None:
        raise NotFound(_("Not found."))
    require(
        actor,
        can_propose(actor, household.village_id),
        household.village_id,
        _("Only the village operator or secretary makes proposals."),
    )
    reason_text = clean_text(reason)
    evidence_text = clean_text(evidence, max_length=2000)
    if not reason_text:
        raise WelfareInvalid(_("Give the reason for the proposal."), code="reason_required")
    if not evidence_text:
        raise WelfareInvalid(
            _("Describe the evidence (survey visit, documents seen)."), code="evidence_required"
        )
    with transaction.atomic():
        value = _validate(kind, decile, _current(household.pk))
        if WelfareProposal.objects.filter(
            household=household, status__in=(ProposalStatus.PROPOSED, ProposalStatus.CHECKED)
        ).exists():
            raise WelfareConflict(_("The household already has an open proposal."))
        proposal = WelfareProposal.objects.create(
            village_id=household.village_id,
            household=household,
            kind=kind,
            decile=value,
            reason=reason_text,
            evidence=evidence_text,
            proposed_by=actor,
        )
        audit.record(
            actor,
            "welfare.proposal_create",
            proposal,
            {"kind": kind, "decile": value, "reason": reason_text},
        )
    return proposal


def _lock(proposal: WelfareProposal, status: str) -> WelfareProposal:
    locked = WelfareProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != status:
        raise WelfareConflict(
            _("This proposal is already “%(status)s”.") % {"status": locked.get_status_display()}
        )
    return locked


def proposal_check(
    *, actor: Any, proposal: WelfareProposal, accept: bool, note: str = ""
) -> WelfareProposal:
    """The kecamatan officer checks: forward to the social office, or reject with a note."""
    require(
        actor,
        can_check_proposal(actor, proposal.village_id),
        proposal.village_id,
        _("Only the kecamatan officer checks proposals."),
    )
    text = clean_text(note)
    if not accept and not text:
        raise WelfareInvalid(_("Say why the proposal is rejected."), code="note_required")
    with transaction.atomic():
        locked = _lock(proposal, ProposalStatus.PROPOSED)
        locked.status = ProposalStatus.CHECKED if accept else ProposalStatus.REJECTED
        locked.checked_by, locked.checked_at, locked.check_note = actor, timezone.now(), text
        locked.save()
        audit.record(
            actor, "welfare.proposal_check", locked, {"status": locked.status, "note": text}
        )
    return locked


def proposal_decide(
    *, actor: Any, proposal: WelfareProposal, approve: bool, note: str = ""
) -> WelfareProposal:
    """The social office approves (a new register version from today) or rejects."""
    require(
        actor,
        can_decide_proposal(actor, proposal.village_id),
        proposal.village_id,
        _("Only the social affairs office approves proposals."),
    )
    text = clean_text(note)
    if not approve and not text:
        raise WelfareInvalid(_("Say why the proposal is rejected."), code="note_required")
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock(proposal, ProposalStatus.CHECKED)
        if approve:
            current = (
                RegisterEntry.objects.select_for_update()
                .filter(household_id=locked.household_id, valid_to__isnull=True)
                .first()
            )
            _validate(locked.kind, locked.decile, current)  # the register may have moved on
            if current is not None:
                current.valid_to = max(today, current.valid_from)
                current.save(update_fields=["valid_to"])
            if locked.kind != ProposalKind.REMOVE:
                household = Household.objects.get(pk=locked.household_id)
                RegisterEntry.objects.create(
                    household=household,
                    village_id=household.village_id,
                    dtks_id=current.dtks_id if current else "",
                    decile=locked.decile or DECILE_MAX,
                    flags=current.flags if current else [],
                    member_count=current.member_count if current else 0,
                    valid_from=max(today, current.valid_from) if current else today,
                    source=EntrySource.PROPOSAL,
                    proposal=locked,
                )
        locked.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), text
        locked.save()
        audit.record(
            actor,
            "welfare.proposal_decide",
            locked,
            {"status": locked.status, "kind": locked.kind, "decile": locked.decile, "note": text},
        )
    return locked
