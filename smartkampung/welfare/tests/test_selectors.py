"""Reads: the health engineer's selector, scope, and the reports."""

from __future__ import annotations

from datetime import date

import pytest

from smartkampung.accounts.models import Role
from smartkampung.population.services.access import activation_code_issue, citizen_activate
from smartkampung.welfare import reports, selectors, services
from smartkampung.welfare.rules import Candidate
from smartkampung.welfare.selectors import WelfareStatus, current_period

from .conftest import PESANGGARAN, SARONGAN

pytestmark = pytest.mark.django_db


def _enrol(family, code, operator, period=None) -> None:
    services.enrolment_create(
        actor=operator,
        candidate=Candidate(
            code,
            period or current_period(),
            family["head"].nik,
            family["kk"],
            family["head"].village_id,
        ),
    )


def _programmes(make_programme) -> None:
    year = date.today().year
    for code in ("PKH", "BPNT"):
        make_programme(code=code, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))


def test_welfare_status_for_households_is_scoped(
    make_family, make_programme, in_register, operator, social, make_user, register_admin
) -> None:
    _programmes(make_programme)
    mine, outside, there = make_family(), make_family(), make_family(PESANGGARAN)
    in_register((mine, 2), (there, 4))
    _enrol(mine, "PKH", operator)
    _enrol(mine, "BPNT", operator)
    ids = [mine["household_id"], outside["household_id"], there["household_id"]]
    seen = selectors.welfare_status_for_households(actor=operator, household_ids=ids)
    assert seen == {
        mine["household_id"]: WelfareStatus(True, 2, ("BPNT", "PKH")),
        outside["household_id"]: WelfareStatus(False, None, ()),
    }
    assert set(selectors.welfare_status_for_households(actor=social, household_ids=ids)) == set(ids)
    for role, scope in [
        (Role.HEALTH_OFFICER, "35.10"),
        (Role.REGENCY_OFFICER, "35.10"),
        (Role.DISTRICT_OFFICER, "35.10.01"),
        (Role.VILLAGE_TREASURER, SARONGAN),
    ]:
        other = make_user(roles=[(role, scope)])
        assert selectors.welfare_status_for_households(actor=other, household_ids=ids) == {}
    # The household itself.
    code = activation_code_issue(actor=register_admin, resident=mine["head"])
    citizen_activate(nik=mine["head"].nik, code=code, password="warga-password-2026", address=None)
    mine["head"].refresh_from_db()
    own = selectors.welfare_status_for_households(actor=mine["head"].user, household_ids=ids)
    assert set(own) == {mine["household_id"]}


def test_welfare_status_uses_a_fixed_number_of_queries(
    make_family, in_register, social, django_assert_num_queries
) -> None:
    families = [make_family() for _i in range(5)]
    in_register(*[(f, 3) for f in families])
    ids = [f["household_id"] for f in families]
    social.refresh_from_db()
    selectors.welfare_status_for_households(actor=social, household_ids=ids[:1])  # grants cached
    with django_assert_num_queries(3):
        found = selectors.welfare_status_for_households(actor=social, household_ids=ids)
    assert len(found) == 5


def test_overlap_matrix_and_errors(
    make_family, make_programme, in_register, operator, social
) -> None:
    _programmes(make_programme)
    both, only_pkh, poor_nothing, rich = (make_family() for _i in range(4))
    in_register((both, 1), (only_pkh, 2), (poor_nothing, 1), (rich, 3))
    _enrol(both, "PKH", operator)
    _enrol(both, "BPNT", operator)
    _enrol(only_pkh, "PKH", operator)
    _enrol(rich, "PKH", operator)
    # The register moves on: the rich household is now above PKH's ceiling (inclusion error).
    in_register((rich, 9), as_of=date.today())
    overlap = reports.overlap_matrix(actor=social, period=current_period())
    assert overlap.codes == ["BPNT", "PKH"]
    assert overlap.rows() == [("BPNT", [1, 1]), ("PKH", [1, 3])]
    exclusion = list(reports.exclusion_errors(actor=social, period=current_period()))
    assert [e.household_id for e in exclusion] == [poor_nothing["household_id"]]
    inclusion = list(reports.inclusion_errors(actor=social, period=current_period()))
    assert [e.household_id for e in inclusion] == [rich["household_id"]]
    assert reports.error_counts(actor=social, period=current_period()) == [
        {"village": SARONGAN, "name": "Sarongan", "exclusion": 1, "inclusion": 1}
    ]
    assert reports.public_recipient_counts(village_code=SARONGAN, period=current_period()) == {
        "PKH": 3,
        "BPNT": 1,
    }


def test_reports_are_not_for_village_staff(operator) -> None:
    from smartkampung.core.exceptions import NotFound

    with pytest.raises(NotFound):
        reports.overlap_matrix(actor=operator, period=current_period())
