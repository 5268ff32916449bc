"""The API contract: schemathesis generates requests for every operation of
/api/v1/openapi.json (valid and invalid ones, a bounded number each) with a village token and a
regency token; no answer may be a server error, and every answer is JSON.

Runs in the normal suite (SQLite and PostgreSQL) in a few minutes: examples per operation are
bounded by SK_API_CONTRACT_EXAMPLES (default 8 per token and mode)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import traceback
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import api_token_create

pytestmark = [pytest.mark.django_db, pytest.mark.api_contract]

EXAMPLES = int(os.environ.get("SK_API_CONTRACT_EXAMPLES", "8"))
# Operations that would end the run's own session or token, skipped for the token that runs.
_SELF_ENDING = {("DELETE", "/api/v1/tokens/{token_id}")}


def _schema() -> Any:
    # Through the test client: a WSGI call would close the test's database connection.
    document = Client().get("/api/v1/openapi.json").json()
    return schemathesis.openapi.from_dict(document)


def _is_json(response: Any) -> bool:
    if not response.content:
        return response.status_code in (204, 304)
    try:
        json.loads(response.content)
    except ValueError:
        return False
    return True


def _call(case: Any, token: str) -> Any:
    """Send the generated request through Django's test client: in-process, in the test's
    transaction (a WSGI transport would close the test database connection after a request)."""
    client = Client(raise_request_exception=False)
    headers = {str(k): str(v) for k, v in (case.headers or {}).items()}
    headers["Authorization"] = f"Bearer {token}"
    query = urlencode(case.query or {}, doseq=True)
    path = case.formatted_path + (f"?{query}" if query else "")
    method = case.method.lower()
    body = case.body
    media = case.media_type or ""
    if method == "get":
        return client.get(path, headers=headers)
    if body is NOT_SET or body is None:
        return client.generic(method.upper(), path, headers=headers)
    if media.startswith("multipart/") and isinstance(body, dict):
        data = {
            key: _file(key, value) if isinstance(value, bytes) else value
            for key, value in body.items()
            if value is not None
        }
        return getattr(client, method)(path, data=data, headers=headers)
    if isinstance(body, bytes):
        return client.generic(
            method.upper(),
            path,
            data=body,
            content_type=media or "application/octet-stream",
            headers=headers,
        )
    return client.generic(
        method.upper(),
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def _file(name: str, data: bytes) -> Any:
    handle = io.BytesIO(data)
    handle.name = f"{name}.bin"
    return handle


def _run(operation: Any, token: str, mode: GenerationMode, failures: list[str]) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        response = _call(case, token)
        content_type = response.headers.get("Content-Type", "")
        binary = content_type.startswith(("application/pdf", "image/", "text/csv"))
        if response.status_code >= 500 or not (binary or _is_json(response)):
            failures.append(
                f"{case.method} {case.formatted_path} query={case.query!r} "
                f"→ {response.status_code} {content_type}: {response.content[:120]!r}"
            )

    with contextlib.suppress(Unsatisfiable):  # negative mode: nothing to make invalid here
        check()


@pytest.fixture
def tokens(make_user: Any, village: Any, regency_officer: Any) -> dict[str, str]:
    operator = make_user("op.contract", roles=[(Role.VILLAGE_OPERATOR, village.code)])
    return {
        "village": api_token_create(actor=operator, name="contract")[1],
        "regency": api_token_create(actor=regency_officer, name="contract")[1],
    }


class _Errors(logging.Handler):
    """Keeps the last lines of each server error's traceback (Django logs them)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info)[-2:])
            self.seen.append(f"{record.getMessage()}: {text.strip()}")


def test_no_operation_answers_with_a_server_error_or_non_json(tokens: dict[str, str]) -> None:
    schema = _schema()
    failures: list[str] = []
    errors = _Errors()
    logging.getLogger("django.request").addHandler(errors)
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in _SELF_ENDING:
            continue
        operations += 1
        for token in tokens.values():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run(operation, token, mode, failures)
    logging.getLogger("django.request").removeHandler(errors)
    assert operations > 50
    report = sorted(set(failures))[:30] + sorted(set(errors.seen))[:20]
    assert not failures, "\n".join(report)
