"""The page shell: CSP-clean templates, complete Indonesian catalogues, health check."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from smartkampung.core.i18n import catalogue_paths, check_all, project_app_dirs

TEMPLATE_FILES = sorted((Path(settings.BASE_DIR) / "smartkampung").glob("*/templates/**/*.html"))


@pytest.mark.parametrize(
    "path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_templates_have_no_inline_script_or_style(path: Path) -> None:
    html = path.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    assert not inline_scripts, "inline <script> is blocked by our CSP"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers are blocked by CSP"
    assert not re.search(r"<style\b", html), "inline <style> is blocked by CSP"
    assert not re.search(r'\sstyle\s*=\s*"', html), "style attributes are blocked by CSP"


def test_every_indonesian_string_is_translated() -> None:
    problems = check_all()
    assert not problems, "\n".join(f"{p.path}: {p.problem}: {p.msgid!r}" for p in problems[:30])


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext not installed")
def test_catalogues_hold_every_string_in_the_code(tmp_path: Path) -> None:
    """Re-extract strings into a scratch copy and compare with the committed catalogues."""
    missing: list[str] = []
    for app_dir in project_app_dirs():
        scratch = tmp_path / app_dir.name
        shutil.copytree(
            app_dir, scratch, ignore=shutil.ignore_patterns("tests", "migrations", "locale")
        )
        (scratch / "locale").mkdir()
        subprocess.run(
            [
                str(Path(settings.BASE_DIR) / ".venv" / "bin" / "django-admin"),
                "makemessages",
                "-l",
                "id",
                "--no-location",
            ],
            cwd=scratch,
            check=True,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
        )
        extracted = scratch / "locale" / "id" / "LC_MESSAGES" / "django.po"
        if not extracted.exists():
            continue
        committed_path = app_dir / "locale" / "id" / "LC_MESSAGES" / "django.po"
        committed = (
            {e.msgid for e in polib.pofile(str(committed_path))}
            if committed_path.exists()
            else set()
        )
        for entry in polib.pofile(str(extracted)):
            if entry.msgid not in committed:
                missing.append(f"{app_dir.name}: {entry.msgid!r}")
    assert not missing, "run `make messages` and translate:\n" + "\n".join(missing[:40])


def test_catalogues_exist() -> None:
    assert catalogue_paths(), "no Indonesian catalogues found"


@pytest.mark.django_db
def test_healthz() -> None:
    assert Client().get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_language_switch_to_english(operator) -> None:
    client = Client()
    client.force_login(operator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Your roles" in html
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Peran Anda" in client.get("/").content.decode()


@pytest.mark.django_db
def test_browser_language_does_not_override_indonesian_default(operator) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(operator)
    assert '<html lang="id">' in client.get("/").content.decode()
