"""A task for the worker test: records which process ran it."""

from __future__ import annotations

import os
import time

from django_tasks import task


@task()
def record_run(token: str, path: str) -> None:
    # One short write with O_APPEND: lines from two processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{token} {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    time.sleep(0.01)  # long enough that both workers get a share
