"""Test settings: the same stack, hermetic and fast. Argon2 stays (with small cost factors)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 20
DEBUG = False
PASSWORD_HASHERS = ["smartkampung.accounts.hashers.FastArgon2PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sk-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No checkpoint file shared between test runs (tests that need one set a temporary path).
SK_AUDIT_CHECKPOINT_FILE = ""
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Request counts stay in the test process.
SK_METRICS_DIR = ""

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: live-server threads (browser tests) then open their own connections
    # instead of sharing one across threads.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"sk-test-{os.getpid()}.sqlite3")
    }
    # Durability does not matter for a throw-away test database.
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"
    )

# Welfare: no process-wide programme cache (each test builds its own programmes).
SK_WELFARE_RULES_CACHE_SECONDS = 0
