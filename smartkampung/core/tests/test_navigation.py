"""The menu marks the entry of the page the user is on: the longest matching entry."""

from __future__ import annotations

import re
from typing import Any

import pytest

from smartkampung.accounts.models import Role

pytestmark = pytest.mark.django_db


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


def test_red_flag_page_marks_red_flags_not_the_projects_map(
    make_user: Any, login_client: Any
) -> None:
    inspector = make_user(roles=[(Role.INSPECTOR, "35.10")])
    client = login_client(inspector)
    assert _current(client.get("/projects/flags/").content.decode()) == ["/projects/flags/"]
    assert _current(client.get("/projects/").content.decode()) == ["/projects/"]


def test_logged_in_citizen_reaches_their_village_portal_page(
    make_user: Any, login_client: Any
) -> None:
    citizen = make_user(roles=[(Role.CITIZEN, "35.10.01.2001")])
    html = login_client(citizen).get("/").content.decode()
    assert 'href="/portal/35.10.01.2001/"' in html
    operator = make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.01.2001")])
    assert "/portal/" not in login_client(operator).get("/").content.decode()
