"""Access that outlives a role: a staff member who took requests at the counter keeps no right
to them once their village role is gone. Being the applicant means being the citizen who
follows the request (the resident, or the household member who asked online), never "the user
who typed it in"; staff rights come only from current roles.

The test moves an operator to another village and replays every route they used."""

from __future__ import annotations

import pytest
from django.test import Client

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.accounts.services import role_grant, role_revoke
from smartkampung.accounts.testing import snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.letters.models import Attachment, Letter, LetterRequest, RequestEvent
from smartkampung.letters.permissions import is_applicant
from smartkampung.letters.services import requests as services
from smartkampung.population.testing import make_resident

from .conftest import jpeg_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

ROWS = (LetterRequest, Attachment, RequestEvent, Letter, AuditEvent)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counter_request(operator, resident, spm, *, submit: bool = True) -> LetterRequest:
    return services.letter_request_create(
        actor=operator,
        letter_type=spm,
        resident=resident,
        values={"keperluan": "pelayanan kesehatan gratis"},
        uploads=[
            services.Upload("ktp", "ktp.jpg", jpeg_bytes()),
            services.Upload("kk", "kk.pdf", pdf_bytes()),
        ],
        submit=submit,
    )


def _move(operator, to_village) -> None:
    """The operator's village role is taken away and granted on another village."""
    grant = RoleAssignment.objects.get(user=operator, role=Role.VILLAGE_OPERATOR)
    role_revoke(actor=None, assignment_id=grant.pk)
    role_grant(actor=None, user=operator, role=Role.VILLAGE_OPERATOR, scope=to_village)


@pytest.fixture
def taken_at_counter(operator, village, spm, head):
    """Two requests the operator typed in for a resident without a login: one issued (a signed
    PDF with the full NIK), one a draft still open to edits."""
    resident = make_resident(actor=operator, village=village, full_name="Wagiman")
    issued = _counter_request(operator, resident, spm)
    services.letter_request_check(actor=operator, request_id=issued.pk)
    services.letter_request_approve(actor=head, request_id=issued.pk)
    issued.refresh_from_db()
    draft = _counter_request(operator, resident, spm, submit=False)
    return issued, draft


def _routes(issued: LetterRequest, draft: LetterRequest) -> list[tuple[str, str, dict]]:
    """Every page and API operation the operator used on these requests."""
    photo = issued.attachments.get(document_key="ktp").pk
    draft_photo = draft.attachments.get(document_key="ktp").pk
    letter = issued.letter.pk
    values = {"values": {"keperluan": "lain"}}
    return [
        ("get", f"/letters/requests/{issued.pk}/", {}),
        ("get", f"/letters/requests/{draft.pk}/edit/", {}),
        ("post", f"/letters/requests/{draft.pk}/edit/", {"keperluan": "lain"}),
        ("get", f"/letters/attachments/{photo}/", {}),
        ("post", f"/letters/attachments/{draft_photo}/remove/", {}),
        ("post", f"/letters/requests/{draft.pk}/submit/", {}),
        ("post", f"/letters/requests/{draft.pk}/cancel/", {}),
        ("get", f"/letters/issued/{letter}/", {}),
        ("get", f"/letters/issued/{letter}/pdf/", {}),
        ("get", f"/api/v1/letters/requests/{issued.pk}", {}),
        ("patch", f"/api/v1/letters/requests/{draft.pk}", values),
        ("get", f"/api/v1/letters/requests/{issued.pk}/attachments/{photo}", {}),
        ("delete", f"/api/v1/letters/requests/{draft.pk}/attachments/{draft_photo}", {}),
        ("post", f"/api/v1/letters/requests/{draft.pk}/submit", {}),
        ("post", f"/api/v1/letters/requests/{draft.pk}/cancel", {}),
        ("get", f"/api/v1/letters/requests/{issued.pk}/letter.pdf", {}),
    ]


def _call(client: Client, method: str, url: str, data: dict):
    if method in ("patch", "delete"):
        return getattr(client, method)(url, data, content_type="application/json")
    return getattr(client, method)(url, data)


def test_the_operator_uses_every_route_while_in_role(taken_at_counter, operator):
    """The replay below means something: with the role, each route answers."""
    issued, draft = taken_at_counter
    client = _client(operator)
    for method, url, data in _routes(issued, draft):
        if method == "get":
            assert _call(client, method, url, data).status_code == 200, url


def test_a_moved_operator_replays_every_route_and_gets_404(
    taken_at_counter, operator, other_village
):
    issued, draft = taken_at_counter
    _move(operator, other_village)
    client = _client(operator)
    before = snapshot_rows(*ROWS)
    for method, url, data in _routes(issued, draft):
        response = _call(client, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert snapshot_rows(*ROWS) == before
    assert not client.get("/letters/my/").context["page_obj"].object_list
    mine = client.get("/api/v1/letters/requests?mine=true")
    assert mine.status_code == 200 and mine.json()["count"] == 0


def test_an_operator_without_any_role_left_sees_nothing(taken_at_counter, operator):
    issued, draft = taken_at_counter
    RoleAssignment.objects.filter(user=operator).delete()
    client = _client(operator)
    before = snapshot_rows(*ROWS)
    for method, url, data in _routes(issued, draft):
        assert _call(client, method, url, data).status_code == 404, url
    assert snapshot_rows(*ROWS) == before


def test_the_typist_is_never_the_applicant(operator, village, spm, citizen):
    """At the counter for a citizen with a login, the citizen follows it, not the operator."""
    request = _counter_request(operator, citizen, spm)
    assert request.requested_by == operator
    assert not is_applicant(operator, request)
    assert is_applicant(citizen.user, request)


def test_a_citizen_whose_role_is_gone_no_longer_follows(spm_request):
    user = spm_request.resident.user
    assert _client(user).get(f"/letters/requests/{spm_request.pk}/").status_code == 200
    RoleAssignment.objects.filter(user=user, role=Role.CITIZEN).delete()
    assert _client(user).get(f"/letters/requests/{spm_request.pk}/").status_code == 404
