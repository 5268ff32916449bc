"""The red light: each rule refuses with its evidence; a likely duplicate is held for review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from smartkampung.accounts.testing import assert_refused_unchanged, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.population import services as population
from smartkampung.welfare import rules, services
from smartkampung.welfare.exceptions import EnrolmentRefused
from smartkampung.welfare.models import Enrolment, EnrolmentStatus
from smartkampung.welfare.rules import Candidate, Rule

from .conftest import PERIOD, PESANGGARAN, SARONGAN

pytestmark = pytest.mark.django_db


def _candidate(family: dict[str, Any], code: str = "PKH", **overrides: Any) -> Candidate:
    values: dict[str, Any] = {
        "programme_code": code,
        "period": PERIOD,
        "nik": family["head"].nik,
        "kk_number": family["kk"],
        "village_code": family["head"].village_id,
    }
    values.update(overrides)
    return Candidate(**values)


def _judge(candidate: Candidate) -> rules.Judgement:
    return next(iter(rules.check([candidate])))


def _unchanged() -> list[Any]:
    return snapshot_rows(Enrolment, AuditEvent)


def test_a_poor_household_in_the_register_is_accepted(
    make_family, make_programme, in_register
) -> None:
    family = make_family()
    in_register((family, 3))
    make_programme()
    judgement = _judge(_candidate(family))
    assert (judgement.decision, judgement.rules) == ("accept", [])


def test_decile_above_the_ceiling_is_refused_with_the_evidence(
    make_family, make_programme, in_register
) -> None:
    family = make_family()
    in_register((family, 7))
    make_programme(decile_max=4)
    judgement = _judge(_candidate(family))
    assert judgement.decision == "refuse" and judgement.rules == [Rule.DECILE_ABOVE_CEILING]
    finding = judgement.findings[0]
    assert finding.evidence["decile"] == 7 and finding.evidence["ceiling"] == 4
    assert "7" in finding.message and "4" in finding.message


def test_outside_the_register_is_refused_for_a_programme_with_a_ceiling(
    make_family, make_programme
) -> None:
    family = make_family()
    make_programme()
    assert _judge(_candidate(family)).rules == [Rule.NOT_IN_REGISTER]
    make_programme(code="PROV", decile_max=None)
    assert _judge(_candidate(family, "PROV")).decision == "accept"


def test_the_register_version_of_the_period_counts(
    make_family, make_programme, in_register
) -> None:
    family = make_family()
    in_register((family, 3), as_of=date(2026, 1, 1))
    in_register((family, 8), as_of=date(2026, 6, 1))
    make_programme()
    assert _judge(_candidate(family, period="2026-03")).decision == "accept"
    assert _judge(_candidate(family, period="2026-07")).rules == [Rule.DECILE_ABOVE_CEILING]


def test_age_conditions(make_family, make_programme, in_register) -> None:
    young = make_family(children=[date(2023, 1, 1)])
    old = make_family(head_birth=date(1950, 1, 1))
    in_register((young, 2), (old, 2))
    make_programme(code="BALITA", min_age=0, max_age=5)
    make_programme(code="LANSIA", target="person", min_age=60, max_age=None, decile_max=None)
    assert _judge(_candidate(young, "BALITA")).decision == "accept"
    refused = _judge(_candidate(old, "BALITA"))
    assert refused.rules == [Rule.AGE_CONDITION] and refused.findings[0].evidence["ages"] == [76]
    assert _judge(_candidate(old, "LANSIA")).decision == "accept"
    assert _judge(_candidate(young, "LANSIA")).rules == [Rule.AGE_CONDITION]


def test_blt_is_only_for_households_without_pkh_in_the_same_period(
    make_family, make_programme, in_register, operator
) -> None:
    family = make_family()
    in_register((family, 1))
    make_programme()
    make_programme(
        code="BLTDD",
        fund_source="dana_desa",
        excludes=["PKH"],
        budget_activity_code="05.03.01",
        monthly_amount=300000,
    )
    services.enrolment_create(actor=operator, candidate=_candidate(family, "PKH"))
    refused = _judge(_candidate(family, "BLTDD"))
    assert refused.rules == [Rule.EXCLUDED_BY_PROGRAMME]
    assert refused.findings[0].evidence["programme"] == "PKH"
    # Another period: no conflict.
    assert _judge(_candidate(family, "BLTDD", period="2026-04")).decision == "accept"


def test_the_same_programme_in_another_village_is_refused(
    make_family, make_programme, in_register, register_admin, operator
) -> None:
    family = make_family()
    in_register((family, 2))
    make_programme(code="LANSIA", target="person", min_age=18, decile_max=None)
    services.enrolment_create(actor=operator, candidate=_candidate(family, "LANSIA"))
    population.resident_transfer(
        actor=register_admin,
        resident=family["head"],
        to_village=PESANGGARAN,
        kk_number="3510012002200077",
        occurred_on=date(2026, 3, 10),
        rt="001",
        rw="001",
    )
    family["head"].refresh_from_db()
    moved = _judge(Candidate("LANSIA", PERIOD, family["head"].nik, "", family["head"].village_id))
    assert Rule.ENROLLED_OTHER_VILLAGE in moved.rules
    assert (
        moved.findings[moved.rules.index(Rule.ENROLLED_OTHER_VILLAGE)].evidence["village"]
        == SARONGAN
    )


def test_already_enrolled_in_this_village_is_refused(
    make_family, make_programme, in_register, operator
) -> None:
    family = make_family()
    in_register((family, 2))
    make_programme()
    services.enrolment_create(actor=operator, candidate=_candidate(family))
    assert _judge(_candidate(family)).rules == [Rule.ALREADY_ENROLLED]


def test_dead_and_moved_out_residents_are_refused(
    make_family, make_programme, in_register, register_admin
) -> None:
    family = make_family(children=[date(2000, 1, 1)])
    in_register((family, 2))
    make_programme(code="PBI", target="person", decile_max=None)
    child = family["members"][1]
    population.death_record(
        actor=register_admin, resident=family["head"], occurred_on=date(2026, 2, 1)
    )
    population.move_out_record(actor=register_admin, resident=child, occurred_on=date(2026, 2, 2))
    assert _judge(_candidate(family, "PBI")).rules == [Rule.DEAD]
    assert _judge(_candidate(family, "PBI", nik=child.nik)).rules == [Rule.MOVED_OUT]


def test_quota_full(make_family, make_programme, in_register, operator, social) -> None:
    first, second = make_family(), make_family()
    in_register((first, 1), (second, 1))
    programme = make_programme()
    services.quota_set(actor=social, programme=programme, village_code=SARONGAN, quota=1)
    services.enrolment_create(actor=operator, candidate=_candidate(first))
    refused = _judge(_candidate(second))
    assert refused.rules == [Rule.QUOTA_FULL]
    assert refused.findings[0].evidence == {"quota": 1, "enrolled": 1}


def test_quota_and_duplicates_count_within_one_file(
    make_family, make_programme, in_register, social
) -> None:
    first, second = make_family(), make_family()
    in_register((first, 1), (second, 1))
    programme = make_programme()
    services.quota_set(actor=social, programme=programme, village_code=SARONGAN, quota=1)
    judged = list(rules.check([_candidate(first), _candidate(first), _candidate(second)]))
    assert [j.decision for j in judged] == ["accept", "refuse", "refuse"]
    assert judged[1].rules == [Rule.ALREADY_ENROLLED] and judged[2].rules == [Rule.QUOTA_FULL]


def test_a_likely_duplicate_without_nik_is_held_for_review(
    make_family, make_programme, in_register, operator
) -> None:
    original = make_family(head_name="Siti Aminah", head_birth=date(1975, 8, 17))
    copy = make_family(head_name="Siti Aminah", head_birth=date(1975, 8, 17))
    in_register((original, 2), (copy, 2))
    make_programme()
    services.enrolment_create(actor=operator, candidate=_candidate(original))
    held = _judge(_candidate(copy, nik=""))
    assert held.decision == "review" and held.rules == [Rule.LIKELY_DUPLICATE]
    enrolment = services.enrolment_create(actor=operator, candidate=_candidate(copy, nik=""))
    assert enrolment.status == EnrolmentStatus.REVIEW
    assert enrolment.findings[0]["code"] == Rule.LIKELY_DUPLICATE
    # With the NIK given, exact rules apply and the different household is accepted.
    other = make_family(head_name="Siti Aminah", head_birth=date(1975, 8, 17))
    in_register((other, 2))
    assert _judge(_candidate(other)).decision == "accept"


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"nik": "3510019999990001"}, Rule.UNKNOWN_PERSON),
        ({"nik": "", "kk_number": "3510019999990001"}, Rule.UNKNOWN_HOUSEHOLD),
        ({"nik": "12345"}, Rule.INVALID_IDENTIFIER),
        ({"programme_code": "NOPE"}, Rule.UNKNOWN_PROGRAMME),
        ({"period": "2026-13"}, Rule.INVALID_PERIOD),
        ({"period": "2027-01"}, Rule.PERIOD_OUTSIDE),
        ({"village_code": PESANGGARAN}, Rule.LIVES_ELSEWHERE),
    ],
)
def test_unknown_or_malformed_candidates_are_refused_and_nothing_changes(
    make_family, make_programme, in_register, operator, neighbour_operator, overrides, rule
) -> None:
    family = make_family()
    in_register((family, 2))
    make_programme()
    candidate = _candidate(family, **overrides)
    actor = neighbour_operator if overrides.get("village_code") == PESANGGARAN else operator
    exc = assert_refused_unchanged(
        lambda: services.enrolment_create(actor=actor, candidate=candidate), snapshot=_unchanged
    )
    assert isinstance(exc, EnrolmentRefused)
    assert rule in [f["code"] for f in exc.details]


def test_one_check_per_candidate_query_count_does_not_grow(
    make_family, make_programme, in_register, django_assert_max_num_queries
) -> None:
    families = [make_family() for _i in range(6)]
    in_register(*[(f, 2) for f in families])
    make_programme()
    with django_assert_max_num_queries(12):
        judged = list(rules.check([_candidate(f) for f in families]))
    assert [j.decision for j in judged] == ["accept"] * 6
