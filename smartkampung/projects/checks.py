"""Checks that other apps call through a setting, so that no import runs upward (ADR 0001).

``progress_check_for_disbursement`` is the hook the budgets app will call before it records a
disbursement ("no money ahead of evidence"). Projects are not linked to budget activities yet
(the link is added once budgets has landed), so it allows everything for now: the rule
``DISBURSED_AHEAD_OF_PROGRESS`` is NOT implemented and awaits that link (docs/projects.md).
"""

from __future__ import annotations

from typing import Any


def progress_check_for_disbursement(*, item: Any, amount: Any, actor: Any) -> str | None:
    """Return a refusal message if disbursing ``amount`` for budget ``item`` would pay ahead
    of the linked project's evidenced progress, else None.

    A no-op until projects are linked to budget activities: always None.
    """
    del item, amount, actor
    return None
