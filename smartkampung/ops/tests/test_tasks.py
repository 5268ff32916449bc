"""Background tasks on several worker processes run each task once (PostgreSQL).

django-tasks-db's worker claims a task with ``SELECT … FOR UPDATE SKIP LOCKED`` on a ready row
and marks it running in the same transaction, so a second worker skips it. Transactional (the
workers are other processes and must see committed rows): kept in a file of its own."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
TASKS = 120


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL SKIP LOCKED")
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_a_task_twice(tmp_path: Path, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from .tasks import record_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    runs = tmp_path / "runs.txt"
    for n in range(TASKS):
        record_run.enqueue(f"t{n}", str(runs))
    assert DBTaskResult.objects.ready().count() == TASKS

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SK_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "worker-test-" + "w" * 40,
        "LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen(
            [
                str(ROOT / ".venv/bin/python"),
                "manage.py",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--interval",
                "0",
                "--worker-id",
                f"worker-{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in (1, 2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err.decode()[-2000:]

    lines = [line.split() for line in runs.read_text().splitlines()]
    per_token = Counter(token for token, _ in lines)
    assert sorted(per_token) == sorted(f"t{n}" for n in range(TASKS))
    assert set(per_token.values()) == {1}  # each task ran exactly once
    assert len({pid for _, pid in lines}) == 2  # and both workers took a share
    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    assert {status for status, _ in results} == {"SUCCESSFUL"}
    assert all(len(ids) == 1 for _, ids in results)
    assert {ids[0] for _, ids in results} == {"worker-1", "worker-2"}
