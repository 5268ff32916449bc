"""The regency officer's inbox: villages not yet active and the age of the figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role, User
from smartkampung.dashboards.inbox import inbox_sections
from smartkampung.dashboards.services import dashboard_refresh
from smartkampung.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_regency_officer_sees_inactive_villages_and_freshness(
    regency_officer: User, make_user: Any
) -> None:
    (missing,) = inbox_sections(User.objects.get(pk=regency_officer.pk))
    assert missing.key == "dashboards.freshness" and missing.tone == "urgent"
    dashboard_refresh(regency_code="35.10", year=timezone.localdate().year)
    sections = {s.key: s for s in inbox_sections(User.objects.get(pk=regency_officer.pk))}
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith="35.10.").count()
    assert sections["dashboards.inactive"].count == villages  # nobody runs it in a bare database
    assert sections["dashboards.inactive"].url.endswith("?active=no")
    assert sections["dashboards.freshness"].count == 0  # just computed
    operator = make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.01.2001")])
    assert inbox_sections(operator) == []
