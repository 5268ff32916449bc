"""The village's list of officials (ADR 0118): kept by the head or secretary, audited, and the
source of the name and title printed under a signature."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.test import Client

from conftest import SUKOREJO
from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.letters.exceptions import LetterInvalid
from smartkampung.letters.models import Letter, VillageOfficial
from smartkampung.letters.services.officials import village_official_save

from .conftest import issue_letter

pytestmark = pytest.mark.django_db


def _text(letter: Letter, tmp_path: Path) -> str:
    path = tmp_path / f"letter-{letter.pk}.pdf"
    with letter.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _snapshot() -> list:
    return snapshot_rows(VillageOfficial, AuditEvent)


@permission_matrix(allowed={"staff_with_role"})
def test_keeping_the_list_permission_matrix(actor_kind, allowed, matrix_actor, village):
    actor = matrix_actor(actor_kind, village=village, role=Role.VILLAGE_HEAD)
    call = lambda: village_official_save(  # noqa: E731
        actor=actor, village_code=village.code, name="Hadi Sutrisno", position="Kepala Desa"
    )
    if allowed:
        assert call().pk
        assert AuditEvent.objects.filter(action="letters.official_save").count() == 1
    else:
        assert_refused_unchanged(call, snapshot=_snapshot)


def test_the_secretary_and_the_regency_keep_it_too(make_user, village):
    secretary = make_user(roles=[(Role.VILLAGE_SECRETARY, village.code)])
    officer = make_user(roles=[(Role.REGENCY_OFFICER, "35.10")])
    for actor in (secretary, officer):
        village_official_save(
            actor=actor, village_code=village.code, name="Sri Wahyuni", position="Sekretaris Desa"
        )
    assert VillageOfficial.objects.filter(village=village).count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"position": ""}, "position"),
        ({"nip": "19800101<script>"}, "nip"),
        ({"user_id": -1}, "user"),
    ],
    ids=["blank-name", "long-name", "blank-position", "hostile-nip", "unknown-login"],
)
def test_bad_input_is_refused_and_nothing_changes(changes, field, head, village):
    data = {"name": "Hadi Sutrisno", "position": "Kepala Desa Sarongan", **changes}
    before = _snapshot()
    with pytest.raises(LetterInvalid) as caught:
        village_official_save(actor=head, village_code=village.code, **data)
    assert caught.value.details == {"field": field}
    assert _snapshot() == before


def test_a_login_outside_the_village_staff_or_twice_in_office_is_refused(
    head, citizen, village, make_user
):
    other = make_user(roles=[(Role.VILLAGE_HEAD, SUKOREJO)])
    for user_id in (citizen.user.pk, other.pk):
        before = _snapshot()
        with pytest.raises(LetterInvalid):
            village_official_save(
                actor=head, village_code=village.code, name="X", position="Y", user_id=user_id
            )
        assert _snapshot() == before
    village_official_save(
        actor=head, village_code=village.code, name="Budi", position="Kepala Desa", user_id=head.pk
    )
    before = _snapshot()
    with pytest.raises(LetterInvalid):
        village_official_save(
            actor=head, village_code=village.code, name="Budi 2", position="Plt.", user_id=head.pk
        )
    assert _snapshot() == before


def test_the_letter_prints_the_name_and_title_the_village_wrote(spm, village, head, tmp_path):
    village_official_save(
        actor=head,
        village_code=village.code,
        name="H. Budi Santoso, S.Pd.",
        position="Plt. Kepala Desa Sarongan",
        nip="19800101 200501 1 002",
        user_id=head.pk,
    )
    letter = issue_letter(letter_type=spm, village=village, signer=head)
    assert letter.signer_name == "H. Budi Santoso, S.Pd."
    assert letter.signer_position == "Plt. Kepala Desa Sarongan"
    text = _text(letter, tmp_path)
    assert "H. Budi Santoso, S.Pd." in text
    # under the signature and in the body's "Yang bertanda tangan di bawah ini {position}"
    assert text.count("Plt. Kepala Desa Sarongan") == 2, text


def test_without_an_entry_in_office_the_account_name_and_the_head_s_title_are_printed(
    spm, village, head
):
    official = village_official_save(
        actor=head, village_code=village.code, name="Orang Lama", position="Plt.", user_id=head.pk
    )
    village_official_save(
        actor=head,
        village_code=village.code,
        official_id=official.pk,
        name="Orang Lama",
        position="Plt.",
        user_id=head.pk,
        is_active=False,
    )
    letter = issue_letter(letter_type=spm, village=village, signer=head)
    assert letter.signer_name == "Budi Santoso"
    assert letter.signer_position == "Kepala Desa Sarongan"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_adds_and_changes_an_official(head, village):
    client = _client(head)
    page = client.get("/letters/officials/")
    assert page.status_code == 200 and "Perangkat desa" in page.content.decode()
    response = client.post(
        "/letters/officials/",
        {
            "name": "Budi Santoso, S.E.",
            "position": "Kepala Desa Sarongan",
            "user": head.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    official = VillageOfficial.objects.get()
    assert (official.name, official.user_id, official.is_active) == (
        "Budi Santoso, S.E.",
        head.pk,
        True,
    )
    response = client.post(
        f"/letters/officials/?village={village.code}",
        {"official": official.pk, "name": "Budi Santoso, S.E.", "position": "Plt. Kepala Desa"},
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert (official.position, official.user_id, official.is_active) == (
        "Plt. Kepala Desa",
        None,
        False,
    )
    client.cookies["sk_language"] = "en"
    english = client.get("/letters/officials/").content.decode()
    assert "Village officials" in english and "Title as printed" in english


def test_the_page_shows_errors_and_changes_nothing(head):
    before = _snapshot()
    response = _client(head).post("/letters/officials/", {"name": "Budi", "position": ""})
    assert response.status_code == 400
    assert _snapshot() == before


def test_the_operator_reads_the_list_but_cannot_change_it(operator, head, village):
    village_official_save(actor=head, village_code=village.code, name="Budi", position="Kades")
    client = _client(operator)
    html = client.get("/letters/officials/").content.decode()
    assert "Budi" in html and 'name="position"' not in html
    before = _snapshot()
    response = client.post("/letters/officials/", {"name": "Operator", "position": "Kades"})
    assert response.status_code == 403
    assert _snapshot() == before


def test_staff_of_another_village_and_citizens_see_nothing(make_user, citizen, village):
    other = make_user(roles=[(Role.VILLAGE_HEAD, SUKOREJO)])
    assert _client(other).get(f"/letters/officials/?village={village.code}").status_code == 404
    assert _client(citizen.user).get("/letters/officials/").status_code == 404
    assert (
        _client(citizen.user).get(f"/letters/officials/?village={village.code}").status_code == 404
    )


# --- API --------------------------------------------------------------------------------------


def test_the_api_keeps_the_list_with_the_same_rules(head, operator, village):
    url = f"/api/v1/letters/officials/{village.code}"
    client = _client(head)
    created = client.post(
        url,
        {"name": "Budi Santoso, S.E.", "position": "Kepala Desa Sarongan", "user_id": head.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["username"] == "kades.sarongan" and body["is_active"] is True
    changed = client.put(
        f"{url}/{body['id']}",
        {"name": "Budi Santoso, S.E.", "position": "Plt. Kepala Desa Sarongan"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["position"] == "Plt. Kepala Desa Sarongan"
    listed = _client(operator).get(url).json()
    assert [o["name"] for o in listed] == ["Budi Santoso, S.E."]

    before = _snapshot()
    bad = client.post(url, {"name": "", "position": "Kades"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["code"] == "official_invalid"
    refused = _client(operator).post(
        url, {"name": "Operator", "position": "Kades"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert _client(head).get("/api/v1/letters/officials/35.10.02.2001").status_code == 404
    assert _snapshot() == before
