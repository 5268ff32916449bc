from __future__ import annotations

from typing import Any

import pytest

from smartkampung.accounts.models import Role, User

SARONGAN = "35.10.01.2001"


@pytest.fixture
def inspector(make_user: Any) -> User:
    return make_user("inspektorat", roles=[(Role.INSPECTOR, "35.10")])


@pytest.fixture
def camat(make_user: Any) -> User:
    return make_user("camat", roles=[(Role.DISTRICT_OFFICER, "35.10.01")])


@pytest.fixture
def other_operator(make_user: Any) -> User:
    return make_user("op.pesanggaran", roles=[(Role.VILLAGE_OPERATOR, "35.10.01.2002")])


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SK_PROJECTS_PARTIAL_UPLOAD_DIR = str(tmp_path / "partial")
