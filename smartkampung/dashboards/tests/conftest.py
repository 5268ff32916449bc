from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from smartkampung.portal.testing import Sample, build_sample

# The welfare app's test builders (households through population's services, programmes and
# the register through welfare's), for the dashboard's welfare section.
from smartkampung.welfare.tests.conftest import (  # noqa: F401
    in_register,
    make_family,
    make_programme,
    register_admin,
    social,
)


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Any) -> Any:
    """Each test starts with an empty cache (the portal caches pages) and its own media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sample(regions_loaded: Any, django_capture_on_commit_callbacks: Any) -> Sample:
    with django_capture_on_commit_callbacks(execute=True):
        return build_sample()
