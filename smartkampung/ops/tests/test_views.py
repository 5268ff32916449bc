"""/metrics: who may scrape it, what it shows (and never shows), and /healthz's database state."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from smartkampung.ops.metrics import registry

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def fresh_registry(settings: Any) -> None:
    settings.SK_METRICS_TOKEN = TOKEN
    settings.SK_METRICS_ALLOWED_ADDRESSES = ["10.20.0.0/16"]
    registry.reset()


def scrape(**headers: str) -> Any:
    return Client().get("/metrics", **headers)


@pytest.mark.django_db
def test_a_scraper_with_the_token_gets_prometheus_text() -> None:
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    body = response.content.decode()
    assert "# TYPE sk_http_request_duration_seconds histogram" in body
    assert "sk_database_up 1" in body
    assert "sk_database_read_only 0" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "remote"),
    [
        ({}, "127.0.0.1"),  # not in the list the setting gives
        ({"HTTP_AUTHORIZATION": "Bearer wrong-token"}, "10.20.3.4"),  # a wrong token is final
        ({"HTTP_AUTHORIZATION": "Basic " + TOKEN}, "192.0.2.1"),
        ({}, "not-an-address"),
    ],
)
def test_anyone_else_gets_a_404(headers: dict[str, str], remote: str) -> None:
    response = Client(REMOTE_ADDR=remote).get("/metrics", **headers)
    assert response.status_code == 404
    assert b"sk_" not in response.content


@pytest.mark.django_db
def test_an_address_in_the_list_may_scrape_without_a_token() -> None:
    assert Client(REMOTE_ADDR="10.20.3.4").get("/metrics").status_code == 200


@pytest.mark.django_db
def test_without_token_or_list_nobody_may_scrape(settings: Any) -> None:
    settings.SK_METRICS_TOKEN = ""
    settings.SK_METRICS_ALLOWED_ADDRESSES = []
    assert scrape(HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_latency_is_counted_by_view_name_not_by_path() -> None:
    client = Client()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page/3510014507900003")
    body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert (
        'sk_http_request_duration_seconds_count{view="core:healthz",method="GET",status="2xx"} 2'
        in body
    )
    assert 'view="unmatched",method="GET",status="4xx"' in body
    assert "3510014507900003" not in body  # a path (with a NIK in it) never becomes a label


@pytest.mark.django_db
def test_letters_issued_and_queue_depth_are_counted(spm_letter: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        task_path="smartkampung.ops.tests.tasks.record_run",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )
    body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "sk_letters_issued_total 1" in body
    assert "sk_letters_revoked_total 0" in body
    assert 'sk_task_queue_depth{queue="default",status="ready"} 1' in body
    # counts only: the letter's subject and number are not there
    assert spm_letter.number not in body
    assert "Siti" not in body


@pytest.mark.django_db
def test_healthz_says_ok_on_a_writable_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL read-only transactions")
@pytest.mark.django_db
def test_healthz_says_when_the_database_is_read_only() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION READ ONLY")
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "read-only", "database": "read-only"}
    body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "sk_database_read_only 1" in body


@pytest.mark.django_db
def test_healthz_and_metrics_say_when_the_database_is_unreachable(monkeypatch: Any) -> None:
    from smartkampung.ops import selectors

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    monkeypatch.setattr(selectors, "database_state", unreachable)
    body = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "sk_database_up 0" in body
