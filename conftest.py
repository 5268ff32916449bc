"""Shared fixtures: the real Banyuwangi regions are loaded once per test database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.regions.models import Region

REGION_DIR = Path(__file__).parent / "data" / "regions"
CODES_FILE = REGION_DIR / "banyuwangi_kode_wilayah_35.10.csv"
BOUNDARIES_FILE = REGION_DIR / "banyuwangi_batas_desa_35.10.geojson"

SARONGAN = "35.10.01.2001"  # desa, kecamatan Pesanggaran
PESANGGARAN = "35.10.01.2002"  # desa, kecamatan Pesanggaran
SUKOREJO = "35.10.02.2001"  # desa, kecamatan Bangorejo
KEC_PESANGGARAN = "35.10.01"
KEC_BANGOREJO = "35.10.02"
REGENCY = "35.10"


@pytest.fixture(autouse=True)
def english_messages() -> Any:
    """Service messages in English unless a test asks otherwise (requests still negotiate
    their own language through LocaleMiddleware, Indonesian by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def load_regions() -> None:
    from smartkampung.regions.services import region_import

    if not Region.objects.exists():
        region_import(codes=CODES_FILE.read_bytes(), boundaries=BOUNDARIES_FILE.read_bytes())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_regions()


def _is_transactional(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "live_server" in fixtures
        or "transactional_db" in fixtures
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A transactional test empties the database as it ends, and pytest-xdist orders files by
    size, so other files may follow it on the same worker: put the regions back for them."""
    yield
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            load_regions()


@pytest.fixture
def regions_loaded(db: Any) -> None:
    """The regions, reloaded if a transactional test (live server) emptied the database
    before this test ran on the same worker."""
    load_regions()


@pytest.fixture
def village(regions_loaded: Any) -> Region:
    return Region.objects.get(code=SARONGAN)


@pytest.fixture
def neighbour_village(regions_loaded: Any) -> Region:
    """Another village of the same kecamatan."""
    return Region.objects.get(code=PESANGGARAN)


@pytest.fixture
def other_village(regions_loaded: Any) -> Region:
    """A village of another kecamatan."""
    return Region.objects.get(code=SUKOREJO)


UserFactory = Callable[..., User]


@pytest.fixture
def make_user(regions_loaded: Any) -> UserFactory:
    """make_user("name", roles=[(Role.VILLAGE_OPERATOR, "35.10.01.2001")], password=...)"""
    counter = {"n": 0}

    def factory(
        username: str | None = None,
        *,
        roles: Iterable[tuple[str, str]] = (),
        password: str = "correct-horse-battery",
        **fields: Any,
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}", password=password, **fields
        )
        for role, code in roles:
            RoleAssignment.objects.create(user=user, role=role, scope_id=code)
        return user

    return factory


@pytest.fixture
def operator(make_user: UserFactory) -> User:
    return make_user("op.sarongan", roles=[(Role.VILLAGE_OPERATOR, SARONGAN)])


@pytest.fixture
def regency_officer(make_user: UserFactory) -> User:
    return make_user("pmd", roles=[(Role.REGENCY_OFFICER, REGENCY)])


@pytest.fixture
def login_client(db: Any) -> Callable[[User], Client]:
    def factory(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return factory


from smartkampung.accounts.testing import matrix_actor  # noqa: E402, F401  (shared fixture)
