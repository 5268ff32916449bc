"""A citizen sees their own household's welfare status, and nobody else's."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from smartkampung.population.models import ResidentViewLog
from smartkampung.population.services.access import activation_code_issue, citizen_activate
from smartkampung.welfare import selectors, services
from smartkampung.welfare.rules import Candidate

from .conftest import SARONGAN

pytestmark = pytest.mark.django_db
PASSWORD = "kata-sandi-warga-panjang"


def _login_citizen(resident: Any, register_admin: Any) -> Client:
    code = activation_code_issue(actor=register_admin, resident=resident)
    citizen_activate(nik=resident.nik, code=code, password=PASSWORD, address=None)
    resident.refresh_from_db()
    client = Client()
    client.force_login(resident.user)
    return client


def test_a_citizen_sees_their_households_status(
    make_family, make_programme, in_register, register_admin, operator
) -> None:
    family, neighbour = make_family(), make_family()
    in_register((family, 2), (neighbour, 6))
    today = date.today()
    make_programme(starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31))
    period = selectors.current_period()
    services.enrolment_create(
        actor=operator,
        candidate=Candidate("PKH", period, family["head"].nik, family["kk"], SARONGAN),
    )
    client = _login_citizen(family["head"], register_admin)
    before = ResidentViewLog.objects.count()
    page = client.get("/welfare/me/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Status kesejahteraan saya" in html and "Desil (1 = termiskin)" in html
    assert page.context["status"].decile == 2
    assert page.context["received"] == [("PKH", "Program Keluarga Harapan")]
    # Only their own household: the neighbour's decile is not on the page.
    assert page.context["status"].decile != 6
    assert ResidentViewLog.objects.count() == before  # their own view is not an official's
    client.cookies["sk_language"] = "en"
    assert "My welfare status" in client.get("/welfare/me/").content.decode()
    # The menu offers the page to the citizen.
    menu = client.get("/welfare/me/").context["nav_items"]
    assert [i.url for i in menu if "welfare" in i.url] == ["/welfare/me/"], menu


def test_staff_without_a_household_and_visitors_get_nothing(operator, login_client) -> None:
    assert login_client(operator).get("/welfare/me/").status_code == 404
    anonymous = Client().get("/welfare/me/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
