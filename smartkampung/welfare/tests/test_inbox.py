"""The inbox hook: proposals waiting for the kecamatan and the social office."""

from __future__ import annotations

import pytest

from smartkampung.welfare import services
from smartkampung.welfare.inbox import inbox_sections

pytestmark = pytest.mark.django_db


def test_proposals_wait_in_the_right_inbox(make_family, operator, camat, social) -> None:
    pytest.importorskip("smartkampung.core.inbox")  # the inbox lands with issue 12
    family = make_family()
    proposal = services.proposal_create(
        actor=operator,
        household_id=family["household_id"],
        kind="add",
        decile=2,
        reason="Keluarga miskin baru",
        evidence="Survei desa",
    )
    (check,) = inbox_sections(camat)
    assert (check.key, check.count) == ("welfare.to_check", 1)
    assert inbox_sections(social)[0].count == 0
    services.proposal_check(actor=camat, proposal=proposal, accept=True)
    assert inbox_sections(social)[0].count == 1
    assert inbox_sections(operator) == []


def test_without_the_inbox_the_hook_is_silent(camat) -> None:
    try:
        import smartkampung.core.inbox  # noqa: F401
    except ImportError:
        assert inbox_sections(camat) == []
    else:
        pytest.skip("the inbox is present")
