"""The audit trail as sentences an inspector reads, e.g. "Village operator Sarongan (Rina
Wulandari) viewed the full record of R. W. — reason: surat domisili".

Who acted: the actor's roles and scopes, read for the whole page in one query. What they acted
on: the apps name their own objects through the ``audit_target_labels(target_type, ids)`` hook
of their AppConfig (one query per type per page, personal names masked), so audit imports no
app above it. Unknown actions fall back to their code, so no event is ever hidden.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.accounts.models import RoleAssignment
from smartkampung.core.navigation import collect_from_apps

from .models import AuditEvent

# Actions hidden unless asked for: a login says nothing about what was done.
LOGIN_ACTIONS = (
    "accounts.login",
    "accounts.login_failed",
    "accounts.totp",
    "accounts.lockout_unlocked",
    "accounts.lockout_unlock_failed",
)


def _verbs() -> dict[str, str]:
    """Action → sentence; %(actor)s and %(target)s are filled in (msgids spelled out)."""
    return {
        "population.resident_view": _("%(actor)s viewed the full record of %(target)s"),
        "population.resident_update": _("%(actor)s changed the record of %(target)s"),
        "population.resident_registered": _("%(actor)s registered %(target)s"),
        "population.resident_status": _("%(actor)s recorded a life event of %(target)s"),
        "population.resident_transfer": _("%(actor)s moved %(target)s to another village"),
        "population.household_transfer": _(
            "%(actor)s moved household %(target)s to another village"
        ),
        "population.transfer_requested": _("%(actor)s asked to transfer %(target)s"),
        "population.transfer_accepted": _("%(actor)s accepted transfer %(target)s"),
        "population.transfer_refused": _("%(actor)s refused transfer %(target)s"),
        "population.transfer_cancelled": _("%(actor)s withdrew transfer %(target)s"),
        "population.resident_move_in": _("%(actor)s registered the move-in of %(target)s"),
        "population.activation_issue": _("%(actor)s issued an activation code for %(target)s"),
        "population.citizen_activate": _("%(actor)s activated the citizen login of %(target)s"),
        "population.resident_import": _("%(actor)s imported residents into %(target)s"),
        "population.register_export": _("%(actor)s exported the register of %(target)s"),
        "letters.request_create": _("%(actor)s filled in letter request %(target)s"),
        "letters.request_submit": _("%(actor)s sent letter request %(target)s"),
        "letters.request_check": _("%(actor)s checked letter request %(target)s"),
        "letters.request_return": _("%(actor)s returned letter request %(target)s"),
        "letters.request_approve": _("%(actor)s approved letter request %(target)s"),
        "letters.request_reject": _("%(actor)s rejected letter request %(target)s"),
        "letters.letter_sign": _("%(actor)s signed letter %(target)s"),
        "letters.letter_revoke": _("%(actor)s revoked letter %(target)s"),
        "budgets.budget_submit": _("%(actor)s submitted budget %(target)s"),
        "budgets.budget_evaluate": _("%(actor)s evaluated budget %(target)s"),
        "budgets.budget_decide": _("%(actor)s decided on budget %(target)s"),
        "budgets.disbursement_request": _("%(actor)s requested disbursement %(target)s"),
        "budgets.disbursement_approve": _("%(actor)s approved disbursement %(target)s"),
        "budgets.disbursement_paid": _("%(actor)s recorded disbursement %(target)s as paid"),
        "projects.project_create": _("%(actor)s created project %(target)s"),
        "projects.project_update": _("%(actor)s changed project %(target)s"),
        "projects.photo_add": _("%(actor)s added a progress photo to %(target)s"),
        "projects.flag_decide": _("%(actor)s decided on red flag %(target)s"),
        "accounts.login": _("%(actor)s logged in"),
        "accounts.login_failed": _("A login as %(actor)s failed"),
        "accounts.lockout_unlocked": _("%(actor)s lifted their login lockout with their code"),
        "accounts.lockout_unlock_failed": _("A lockout unlock with a wrong code failed"),
        "accounts.role_grant": _("%(actor)s granted a role to %(target)s"),
        "accounts.role_revoke": _("%(actor)s revoked a role of %(target)s"),
        "accounts.user_create": _("%(actor)s created the account %(target)s"),
    }


@dataclass(frozen=True)
class Sentence:
    event: AuditEvent
    text: str
    reason: str
    has_reason_field: bool

    @property
    def missing_reason(self) -> bool:
        return self.has_reason_field and not self.reason


def _actors(events: list[AuditEvent]) -> dict[int, str]:
    """``Village operator Sarongan (Rina Wulandari)`` per actor id, in one query."""
    ids = {e.actor_id for e in events if e.actor_id}
    roles: dict[int, list[str]] = defaultdict(list)
    names: dict[int, str] = {}
    for grant in RoleAssignment.objects.filter(user_id__in=ids).select_related("scope", "user"):
        roles[grant.user_id].append(f"{grant.get_role_display()} {grant.scope.name}")
        names[grant.user_id] = grant.user.display_name
    return {
        pk: f"{', '.join(sorted(roles[pk]))} ({names[pk]})" if roles.get(pk) else "" for pk in ids
    }


def _targets(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    by_type: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.target_type and e.target_id:
            by_type[e.target_type].add(e.target_id)
    labels: dict[tuple[str, str], str] = {}
    for target_type, ids in by_type.items():
        for found in collect_from_apps("audit_target_labels", target_type, sorted(ids)):
            pair: tuple[Any, Any] = found  # type: ignore[assignment]
            labels[(target_type, str(pair[0]))] = str(pair[1])
    return labels


def sentences(events: Iterable[AuditEvent]) -> list[Sentence]:
    """One sentence per event of a page (a bounded number of queries, whatever the page)."""
    page = list(events)
    actors = _actors(page)
    targets = _targets(page)
    verbs = _verbs()
    out = []
    for e in page:
        actor = actors.get(e.actor_id or 0) or e.actor_label or _("the system")
        target = targets.get((e.target_type, e.target_id)) or (
            f"{e.target_type} #{e.target_id}" if e.target_id else e.scope_code
        )
        template = verbs.get(e.action)
        text = (
            template % {"actor": actor, "target": target}
            if template
            else f"{actor}: {e.action} {target}".strip()
        )
        try:
            data = json.loads(e.data_json or "{}")
        except ValueError:
            data = {}
        reason = str(data.get("reason", "") or "") if isinstance(data, dict) else ""
        out.append(
            Sentence(
                event=e,
                text=text,
                reason=reason,
                has_reason_field=isinstance(data, dict) and "reason" in data,
            )
        )
    return out
