"""The inspector's inbox: open red flags, the most severe first, oldest first within one."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from smartkampung.accounts.models import User
from smartkampung.core.inbox import INBOX_ITEMS
from smartkampung.projects.inbox import inbox_sections
from smartkampung.projects.models import RedFlag

pytestmark = pytest.mark.django_db

RANK = {"high": 0, "medium": 1, "low": 2}


@pytest.fixture
def demo(settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_seed", stdout=io.StringIO())


def test_inspector_sees_open_flags_by_severity_in_one_query(
    demo: None, client: Any, django_assert_num_queries: Any
) -> None:
    inspector = User.objects.get(username="inspektorat")
    with django_assert_num_queries(2):  # grants, the flags with their counts
        (section,) = inbox_sections(inspector)
    open_flags = RedFlag.objects.filter(status="open")
    assert section.count == open_flags.count() >= 1
    high = open_flags.filter(severity="high").count()
    medium = open_flags.filter(severity="medium").count()
    assert section.note == (
        f"{high} high, {medium} medium, {section.count - high - medium} low severity"
    )
    expected = sorted(open_flags, key=lambda f: (RANK[f.severity], f.first_detected_at, f.pk))
    assert [i.url for i in section.items] == [
        f"/projects/flags/{f.pk}/" for f in expected[:INBOX_ITEMS]
    ]
    client.force_login(inspector)
    assert client.get(section.items[0].url).status_code == 200

    # A decided flag leaves the inbox.
    first = expected[0]
    first.status = "confirmed"
    first.save(update_fields=["status"])
    (section,) = inbox_sections(User.objects.get(username="inspektorat"))
    assert section.count == RedFlag.objects.filter(status="open").count()
    assert f"/projects/flags/{first.pk}/" not in [i.url for i in section.items]


def test_village_staff_have_no_flag_section(demo: None) -> None:
    assert inbox_sections(User.objects.get(username="operator.sarongan")) == []
    assert inbox_sections(User.objects.get(username="camat.pesanggaran")) == []
