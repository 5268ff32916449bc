"""Checks that other apps call through a setting, so that no import runs upward (ADR 0001).

``progress_check_for_disbursement`` is listed in ``SK_DISBURSEMENT_CHECKS``: the budgets app
calls it before the village head's approval turns a request into realisation ("no money ahead
of evidence", ADR 0034).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.core.templatetags.sk import rupiah

from .funding import advance_percent, release_for_activity


def progress_check_for_disbursement(*, item: Any, amount: Any, actor: Any) -> str | None:
    """A refusal message if releasing ``amount`` from budget ``item`` would pay ahead of the
    evidenced progress of the projects linked to the item's activity, else None.

    Items of activities without a linked project (salaries, operations) are not concerned.
    """
    del actor
    budget = item.budget
    release = release_for_activity(
        village_code=budget.village_id, year=budget.year, lineage=item.activity.lineage
    )
    if release is None:
        return None
    after = release.realised + Decimal(amount)
    if after <= release.allowed:
        return None
    if release.evidenced_percent is None:
        return (
            _(
                "No money ahead of evidence: the projects of this activity have no progress report "
                "with a photo yet. Report the 0 %% stage with photos of the site first."
            )
            % {}
        )
    return _(
        "No money ahead of evidence: the projects of this activity show %(progress)s %% "
        "progress with photos, which allows %(allowed)s of its %(total)s to be released "
        "(evidenced progress plus an advance of %(advance)s %%). %(realised)s is released "
        "already, so %(amount)s more is too much. Report the next stage with photos first."
    ) % {
        "progress": f"{release.evidenced_percent:.0f}",
        "allowed": rupiah(release.allowed),
        "total": rupiah(release.total),
        "advance": f"{advance_percent():.0f}",
        "realised": rupiah(release.realised),
        "amount": rupiah(Decimal(amount)),
    }
