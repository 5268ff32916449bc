from __future__ import annotations

from typing import Any

import pytest

from conftest import SARONGAN, SUKOREJO

from .helpers import Staff, make_staff


@pytest.fixture
def staff(regions_loaded: Any) -> Staff:
    """Sarongan's staff (regions and reference lists reloaded if a transactional test ran)."""
    return make_staff(SARONGAN)


@pytest.fixture
def other_staff(regions_loaded: Any) -> Staff:
    return make_staff(SUKOREJO)
