"""The welfare status of households, asked of the welfare register through a setting.

``settings.SK_HEALTH_WELFARE_STATUS`` names a callable
``(*, actor, household_ids) -> dict[int, WelfareStatus]`` (the welfare app's
``welfare_status_for_households``), whose values have ``in_register``, ``decile`` and
``programmes``. Empty: status unknown, shown as "—". No import runs upward.

Welfare status is sensitive: a page or export that shows it logs the view in the household's
access log through ``settings.SK_HEALTH_WELFARE_VIEW_LOG`` (the welfare app's
``welfare_view_log``; empty: nothing to log, since no status was shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class HouseholdWelfare:
    in_register: bool | None  # None: unknown
    decile: int | None
    programmes: tuple[str, ...]

    @property
    def label(self) -> str:
        if self.in_register is None:
            return "—"
        parts = []
        if self.decile is not None:
            parts.append(f"D{self.decile}")
        parts.extend(self.programmes)
        return ", ".join(parts) if parts else ("DTKS" if self.in_register else "-")


UNKNOWN = HouseholdWelfare(in_register=None, decile=None, programmes=())


def welfare_status(*, actor: Any, household_ids: Iterable[int]) -> dict[int, HouseholdWelfare]:
    """The status of each household id (UNKNOWN where the register has no answer)."""
    ids = sorted({int(h) for h in household_ids if h is not None})
    path = getattr(settings, "SK_HEALTH_WELFARE_STATUS", "")
    answers: dict[int, Any] = {}
    if path and ids:
        answers = import_string(path)(actor=actor, household_ids=ids) or {}
    result: dict[int, HouseholdWelfare] = {}
    for hid in ids:
        status = answers.get(hid)
        if status is None:
            result[hid] = UNKNOWN
            continue
        result[hid] = HouseholdWelfare(
            in_register=bool(getattr(status, "in_register", False)),
            decile=getattr(status, "decile", None),
            programmes=tuple(str(p) for p in (getattr(status, "programmes", None) or ())),
        )
    return result


def welfare_status_viewed(
    *, actor: Any, children: Iterable[Any], village_code: str, reason: str, channel: str = "web"
) -> None:
    """Log that ``actor`` was shown the welfare status of these rows' households (rows with a
    ``welfare`` and a ``child``, as ``stunted_children`` returns); unknown statuses are not
    logged (nothing of the register was shown)."""
    path = getattr(settings, "SK_HEALTH_WELFARE_VIEW_LOG", "")
    ids = sorted(
        {
            row.child.household_id
            for row in children
            if row.child.household_id and row.welfare.in_register is not None
        }
    )
    if path and ids:
        import_string(path)(
            actor=actor,
            household_ids=ids,
            village_code=village_code,
            reason=reason,
            channel=channel,
        )
