"""Citizen login and lockout: one failure counter per person whatever name is typed; the
internal username is random and is no login name."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from smartkampung.accounts import services as accounts
from smartkampung.accounts.exceptions import LockedOut, LoginRefused
from smartkampung.accounts.models import LoginFailure, User
from smartkampung.population import services

pytestmark = pytest.mark.django_db
PASSWORD = "kopi-osing-2026"


def _request(address: str):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)


@pytest.fixture
def citizen(operator, resident) -> Any:
    code = services.activation_code_issue(actor=operator, resident=resident)
    services.citizen_activate(nik=resident.nik, code=code, password=PASSWORD, address=None)
    resident.refresh_from_db()
    return resident


def _fail(name: str, address: str) -> None:
    with pytest.raises(LoginRefused):
        accounts.login_check_password(request=_request(address), username=name, password="x")


def test_the_internal_username_is_random_and_not_a_login_name(citizen) -> None:
    user = citizen.user
    assert re.fullmatch(r"warga\.[0-9a-f]{16}", user.username)
    assert user.login_with_nik
    assert authenticate(username=user.username, password=PASSWORD) is None
    assert authenticate(username=citizen.nik, password=PASSWORD) == user
    response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400  # the form says the name or password is wrong


def test_failures_count_once_per_person_whatever_is_typed(citizen, settings) -> None:
    """Spaces around the NIK, different addresses: the same counter, so the fifth failure
    locks the person out even with the right password."""
    settings.SK_LOCKOUT_ACCOUNT_FAILURES = 5
    names = [citizen.nik, f" {citizen.nik}", f"{citizen.nik} ", citizen.nik, citizen.nik]
    for i, name in enumerate(names):
        _fail(name, f"10.0.0.{i}")
    assert LoginFailure.objects.values("account_key").distinct().count() == 1
    with pytest.raises(LockedOut):
        accounts.login_check_password(
            request=_request("10.9.9.9"), username=citizen.nik, password=PASSWORD
        )


def test_a_successful_login_clears_the_counter_of_the_nik(citizen, settings) -> None:
    settings.SK_LOCKOUT_ACCOUNT_FAILURES = 5
    for i in range(4):
        _fail(citizen.nik, f"10.0.1.{i}")
    user = accounts.login_check_password(
        request=_request("10.0.2.1"), username=citizen.nik, password=PASSWORD
    )
    accounts.login_succeeded(user=user)
    for i in range(4):  # a fresh start: four more failures do not lock
        _fail(citizen.nik, f"10.0.3.{i}")
    assert accounts.login_check_password(
        request=_request("10.0.4.1"), username=citizen.nik, password=PASSWORD
    )


def test_typing_the_internal_name_neither_logs_in_nor_locks_the_citizen(citizen, settings):
    settings.SK_LOCKOUT_ACCOUNT_FAILURES = 3
    for i in range(3):
        _fail(citizen.user.username, f"10.0.5.{i}")
    assert accounts.login_check_password(
        request=_request("10.0.6.1"), username=citizen.nik, password=PASSWORD
    )


def test_an_officials_counter_is_one_whatever_the_case_of_an_unknown_name(operator, settings):
    settings.SK_LOCKOUT_ACCOUNT_FAILURES = 3
    for i in range(3):
        _fail("op.sarongan", f"10.0.7.{i}")
    with pytest.raises(LockedOut):
        accounts.login_check_password(
            request=_request("10.0.7.9"), username="op.sarongan", password="correct-horse-battery"
        )


def test_old_guessable_citizen_names_are_renamed_by_the_migration(make_user) -> None:
    old = make_user("warga.17")
    official = make_user("warga.budi")  # not an activation name: left alone
    migration = importlib.import_module(
        "smartkampung.accounts.migrations.0003_citizen_login_by_nik_only"
    )
    migration.forwards(django_apps, None)
    old.refresh_from_db()
    official.refresh_from_db()
    assert old.username != "warga.17" and re.fullmatch(r"warga\.[0-9a-f]{16}", old.username)
    assert old.login_with_nik and not official.login_with_nik
    assert User.objects.filter(username="warga.budi").exists()
