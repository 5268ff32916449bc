"""The inbox mechanism: sections collected from the apps' hooks, items with their total."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from smartkampung.core.inbox import InboxSection, first_with_total, inbox_for
from smartkampung.regions.models import Level, Region


@pytest.mark.django_db
def test_first_with_total_reads_items_and_total_in_one_query(
    regions_loaded: Any, django_assert_num_queries: Any
) -> None:
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith="35.10.01.")
    expected_total = villages.count()
    with django_assert_num_queries(1):
        rows, total = first_with_total(villages.order_by("code"), limit=3)
    assert total == expected_total > 3
    assert [r.code for r in rows] == list(
        villages.order_by("code").values_list("code", flat=True)[:3]
    )


@pytest.mark.django_db
def test_first_with_total_of_nothing_is_zero(regions_loaded: Any) -> None:
    rows, total = first_with_total(Region.objects.filter(code="00.00"))
    assert (rows, total) == ([], 0)


class _FakeConfig:
    def __init__(self, sections: list[Any]) -> None:
        self.sections = sections

    def inbox_sections(self, actor: Any) -> list[Any]:
        return self.sections


def test_inbox_collects_every_app_and_puts_work_first(monkeypatch: Any, make_user: Any) -> None:
    empty = InboxSection(key="a.empty", title="Empty", count=0, url="/a/", order=1)
    busy = InboxSection(key="b.busy", title="Busy", count=3, url="/b/", order=50)
    other = InboxSection(key="c.other", title="Other", count=1, url="/c/", order=10)
    configs = [_FakeConfig([empty]), _FakeConfig([busy, "not a section"]), _FakeConfig([other])]
    monkeypatch.setattr(apps, "get_app_configs", lambda: configs)
    user = make_user()
    assert [s.key for s in inbox_for(user)] == ["c.other", "b.busy", "a.empty"]
    assert inbox_for(AnonymousUser()) == []


def test_section_ids_are_valid_html_ids() -> None:
    section = InboxSection(key="letters.to_approve", title="t", count=0, url="/")
    assert section.dom_id == "inbox-letters-to-approve"
