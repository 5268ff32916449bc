"""DATABASE_URL host lists (config/database.py) and the replica router (config/db_router.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import RequestFactory

from config.database import database_config
from config.db_router import ReplicaReadsMiddleware, ReplicaRouter, replica_reads
from smartkampung.accounts.models import User
from smartkampung.letters.models import Letter
from smartkampung.regions.models import Region


def test_a_host_list_becomes_libpqs_host_and_port_lists() -> None:
    config = database_config(
        "postgres://sk:secret@db1.example:6432,db2.example:6433/smartkampung"
        "?target_session_attrs=read-write&connect_timeout=3"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "db1.example,db2.example"
    assert config["PORT"] == "6432,6433"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("smartkampung", "sk", "secret")
    assert config["OPTIONS"]["target_session_attrs"] == "read-write"
    assert config["CONN_MAX_AGE"] == 60


def test_a_missing_port_in_the_list_is_5432_and_one_host_is_unchanged() -> None:
    assert database_config("postgres://u@a,b:6000/db")["PORT"] == "5432,6000"
    single = database_config("postgres://u@a:6000/db")
    assert (single["HOST"], single["PORT"]) == ("a", 6000)


@pytest.mark.parametrize("url", ["postgres://u@a:1,:2/db", "postgres://u@a:1,b:x/db"])
def test_a_broken_host_list_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        database_config(url)


@pytest.fixture
def with_replica(settings: Any) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    settings.SK_REPLICA_EXCLUDED_APPS = ["sessions", "auth", "accounts", "django_tasks_db"]


def test_reads_stay_on_the_primary_outside_replica_reads(with_replica: None) -> None:
    assert ReplicaRouter().db_for_read(Region) is None


def test_lag_tolerant_reads_go_to_the_replica(with_replica: None) -> None:
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Region) == "replica"
        assert router.db_for_read(Letter) == "replica"
        assert router.db_for_read(User) is None  # logins and sessions read their own writes
        assert router.db_for_write(Region) == "default"
    assert router.db_for_read(Region) is None


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica: None) -> None:
    with replica_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(Region) is None


def test_without_a_replica_nothing_is_routed(settings: Any) -> None:
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    with replica_reads():
        assert ReplicaRouter().db_for_read(Region) is None


def test_never_migrates_the_replica() -> None:
    assert ReplicaRouter().allow_migrate("replica", "letters") is False
    assert ReplicaRouter().allow_migrate("default", "letters") is True


@pytest.mark.parametrize(
    ("method", "path", "routed"),
    [
        ("GET", "/portal/regions/35.10", True),
        ("HEAD", "/api/v1/dashboards/", True),
        ("POST", "/portal/regions/35.10", False),  # a write never
        ("GET", "/letters/requests/", False),  # a page that must read its own writes
    ],
)
def test_the_middleware_opens_replica_reads_for_lag_tolerant_pages(
    with_replica: None, method: str, path: str, routed: bool
) -> None:
    seen: list[str | None] = []

    def view(request: Any) -> Any:
        seen.append(ReplicaRouter().db_for_read(Region))
        return None

    ReplicaReadsMiddleware(view)(RequestFactory().generic(method, path))
    assert seen == (["replica"] if routed else [None])
