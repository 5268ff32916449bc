"""Fixtures of the field tests: a village operator with a project, real JPEGs with EXIF."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from conftest import SARONGAN
from smartkampung.accounts.models import Role, User
from smartkampung.projects import services as project_services
from smartkampung.projects.models import Project
from smartkampung.projects.tests.factories import jpeg, project_data, scene
from smartkampung.regions.models import Region


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SK_PROJECTS_PARTIAL_UPLOAD_DIR = str(tmp_path / "partial")


@pytest.fixture
def project(operator: User, village: Region) -> Project:
    return project_services.project_create(
        actor=operator, village_code=SARONGAN, data=project_data(village), screen=False
    )


@pytest.fixture
def head(make_user: Callable[..., User]) -> User:
    return make_user("kades.sarongan", roles=[(Role.VILLAGE_HEAD, SARONGAN)])


@pytest.fixture
def camat(make_user: Callable[..., User]) -> User:
    return make_user("camat", roles=[(Role.DISTRICT_OFFICER, "35.10.01")])


def photo_bytes(project: Project, seed: int = 7) -> bytes:
    return jpeg(scene(seed), lat=project.lat, lng=project.lng, taken_at=timezone.localtime())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_payload(project: Project, photos: list[bytes], stage: int = 0) -> dict[str, Any]:
    return {
        "project": project.pk,
        "stage": stage,
        "reported_on": timezone.localdate().isoformat(),
        "note": "Galian pondasi",
        "captured_at": "2026-11-30T08:15:00+07:00",
        "location": {
            "lat": project.lat,
            "lng": project.lng,
            "accuracy_m": 8.5,
            "at": "2026-11-30T08:14:50+07:00",
        },
        "photos": [
            {
                "sha256": sha(data),
                "size": len(data),
                "name": f"IMG_{i}.jpg",
                "type": "image/jpeg",
                "captured_at": "2026-11-30T08:14:00+07:00",
            }
            for i, data in enumerate(photos)
        ],
    }


def new_key() -> uuid.UUID:
    return uuid.uuid4()
