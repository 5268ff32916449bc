"""Translation catalogues: one per app (``<app>/locale/id/LC_MESSAGES/django.po``).

Source strings are English; Indonesian is the default language, so every string must have an
Indonesian translation. ``.mo`` files are compiled with polib (no system gettext needed to run).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings

LANGUAGES_TO_TRANSLATE = ("id",)


def project_app_dirs() -> list[Path]:
    base = Path(settings.BASE_DIR) / "smartkampung"
    return [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
    ]


def catalogue_paths() -> list[Path]:
    paths = []
    for app_dir in project_app_dirs():
        for lang in LANGUAGES_TO_TRANSLATE:
            po = app_dir / "locale" / lang / "LC_MESSAGES" / "django.po"
            if po.exists():
                paths.append(po)
    return paths


def compile_all() -> list[Path]:
    written = []
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


@dataclass
class CatalogueProblem:
    path: Path
    msgid: str
    problem: str


def check_all() -> list[CatalogueProblem]:
    """Untranslated, fuzzy or obsolete-only entries in any catalogue."""
    problems = []
    for po_path in catalogue_paths():
        po = polib.pofile(str(po_path))
        for entry in po.untranslated_entries():
            problems.append(CatalogueProblem(po_path, entry.msgid, "untranslated"))
        for entry in po.fuzzy_entries():
            problems.append(CatalogueProblem(po_path, entry.msgid, "fuzzy"))
    return problems
