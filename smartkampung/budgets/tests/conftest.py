from __future__ import annotations

from typing import Any

import pytest

from conftest import SARONGAN, SUKOREJO

from .helpers import Staff, make_staff


@pytest.fixture
def staff(db: Any) -> Staff:
    return make_staff(SARONGAN)


@pytest.fixture
def other_staff(db: Any) -> Staff:
    return make_staff(SUKOREJO)
