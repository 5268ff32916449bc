"""The letters' inbox sections, on the demo data: what waits for each role, one query each."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from conftest import KEC_PESANGGARAN, SARONGAN, SUKOREJO
from smartkampung.accounts.models import User
from smartkampung.core.inbox import INBOX_ITEMS, InboxSection, inbox_for
from smartkampung.letters.inbox import inbox_sections
from smartkampung.letters.models import LetterRequest, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_seed", stdout=io.StringIO())


def _user(username: str) -> User:
    return User.objects.get(username=username)  # a fresh object: grants not yet cached


def _sections(username: str) -> dict[str, InboxSection]:
    return {s.key: s for s in inbox_sections(_user(username))}


def _office(village: str, status: str) -> int:
    return (
        LetterRequest.objects.filter(village_id=village, status=status)
        .exclude(status=RequestStatus.DRAFT, channel="online")
        .count()
    )


def _copy_requests(village: str, status: str, n: int) -> None:
    template = LetterRequest.objects.filter(village_id=village, status=status).first()
    assert template is not None
    for _ in range(n):
        template.pk = None
        template.submitted_at = timezone.now()
        template.save()


def test_village_head_sees_the_letters_to_sign_of_their_village_only(
    demo: None, client: Any, django_assert_num_queries: Any
) -> None:
    sections = _sections("kades.sarongan")
    to_approve = sections["letters.to_approve"]
    assert to_approve.count == _office(SARONGAN, RequestStatus.VERIFIED) >= 1
    assert "letters.to_check" not in sections  # the head approves; the office checks
    assert _sections("kades.sukorejo")["letters.to_approve"].count == _office(
        SUKOREJO, RequestStatus.VERIFIED
    )
    # One click from the inbox opens the request with its approve form.
    client.force_login(_user("kades.sarongan"))
    page = client.get(to_approve.items[0].url)
    assert page.status_code == 200
    assert b'/approve/"' in page.content

    # More waiting items cost no more queries: the types, then one query per section.
    user = _user("kades.sarongan")
    with django_assert_num_queries(3):  # grants, letter types, letters to approve
        inbox_sections(user)
    _copy_requests(SARONGAN, RequestStatus.VERIFIED, INBOX_ITEMS + 2)
    user = _user("kades.sarongan")
    with django_assert_num_queries(3):
        sections = {s.key: s for s in inbox_sections(user)}
    assert sections["letters.to_approve"].count == _office(SARONGAN, RequestStatus.VERIFIED)
    assert len(sections["letters.to_approve"].items) == INBOX_ITEMS


def test_operator_sees_requests_to_check_and_returned_ones(
    demo: None, client: Any, django_assert_num_queries: Any
) -> None:
    sections = _sections("operator.sarongan")
    assert sections["letters.to_check"].count == _office(SARONGAN, RequestStatus.SUBMITTED) >= 1
    assert sections["letters.returned"].count == _office(SARONGAN, RequestStatus.RETURNED) >= 1
    assert "letters.to_approve" not in sections
    returned = LetterRequest.objects.filter(
        village_id=SARONGAN, status=RequestStatus.RETURNED
    ).first()
    assert returned is not None and returned.status_reason
    assert sections["letters.returned"].items[0].note == returned.status_reason[:120]
    user = _user("operator.sarongan")
    with django_assert_num_queries(4):  # grants, types, to check, returned
        inbox_sections(user)
    client.force_login(_user("operator.sarongan"))
    assert client.get(sections["letters.to_check"].url).status_code == 200
    assert client.get(sections["letters.to_check"].items[0].url).status_code == 200


def test_citizen_sees_their_requests_with_what_each_needs_and_letters_to_download(
    demo: None, client: Any, django_assert_num_queries: Any
) -> None:
    citizen = User.objects.get(resident__nik="3510010804920722")
    mine = LetterRequest.objects.filter(Q(requested_by=citizen) | Q(applicant=citizen))
    sections = {s.key: s for s in inbox_sections(citizen)}
    in_progress = sections["letters.my_requests"]
    assert (
        in_progress.count
        == mine.filter(
            status__in=["draft", "returned", "submitted", "verified", "approved"]
        ).count()
    )
    assert all(item.note for item in in_progress.items)  # what each one needs
    ready = sections["letters.ready"]
    assert ready.count == mine.filter(status=RequestStatus.ISSUED).count() >= 1
    client.force_login(citizen)
    pdf = client.get(ready.items[0].url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    citizen = User.objects.get(pk=citizen.pk)
    with django_assert_num_queries(3):  # grants, in progress, ready
        inbox_sections(citizen)
    # Another citizen's requests are not in this inbox.
    other = User.objects.get(resident__nik="3510020310580804")
    other_sections = {s.key: s for s in inbox_sections(other)}
    urls = {i.url for i in other_sections["letters.my_requests"].items}
    assert not urls & {i.url for i in in_progress.items}


def test_kecamatan_officer_sees_overdue_requests_of_their_villages(demo: None) -> None:
    before = _sections("camat.pesanggaran")["letters.overdue"].count
    before_other = _sections("camat.bangorejo")["letters.overdue"].count
    late = LetterRequest.objects.filter(village_id=SARONGAN, status=RequestStatus.SUBMITTED).first()
    assert late is not None
    late.submitted_at = timezone.now() - dt.timedelta(minutes=late.letter_type.target_minutes + 5)
    late.save(update_fields=["submitted_at"])
    overdue = _sections("camat.pesanggaran")["letters.overdue"]
    assert overdue.count == before + 1
    assert overdue.tone == "urgent"
    assert any(SARONGAN in item.url for item in overdue.items)
    # Bangorejo's officer does not see Pesanggaran's villages.
    other = _sections("camat.bangorejo")["letters.overdue"]
    assert other.count == before_other
    assert all(KEC_PESANGGARAN not in i.url for i in other.items)


def test_roles_without_letter_work_get_no_letter_section(demo: None) -> None:
    assert _sections("bendahara.sarongan") == {}
    assert _sections("inspektorat") == {}
    # The home page carries the sections of every app.
    keys = {s.key for s in inbox_for(_user("kades.sarongan"))}
    assert {"letters.to_approve", "budgets.spp_to_approve"} <= keys


def test_letters_hub_shows_the_inbox_counts_on_its_cards(demo: None, client: Any) -> None:
    client.force_login(_user("kades.sarongan"))
    html = client.get("/letters/").content.decode()
    expected = _office(SARONGAN, RequestStatus.VERIFIED)
    card = html[html.index('id="hub-inbox-letters-to-approve"') :]
    assert f'<strong class="inbox-count">{expected}</strong>' in card[:300]
    assert "?status=verified" in card[:300]
    citizen = User.objects.get(resident__nik="3510010804920722")
    client.force_login(citizen)
    html = client.get("/letters/").content.decode()
    assert (
        'id="hub-inbox-letters-ready"' in html and 'id="hub-inbox-letters-to-approve"' not in html
    )
