from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from smartkampung.accounts.models import Role
from smartkampung.accounts.testing import assert_refused_unchanged, permission_matrix, snapshot_rows
from smartkampung.audit.models import AuditEvent
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.health import services
from smartkampung.health.models import (
    CadreAssignment,
    GrowthVisit,
    HouseholdSanitation,
    Posyandu,
    Pregnancy,
    PregnancyVisit,
)
from smartkampung.health.schedule import immunisation_schedule
from smartkampung.population.codes import Sex
from smartkampung.population.models import ResidentViewLog

TODAY = timezone.localdate


def _rows():
    return snapshot_rows(
        GrowthVisit,
        Posyandu,
        CadreAssignment,
        Pregnancy,
        PregnancyVisit,
        HouseholdSanitation,
        AuditEvent,
    )


def _visit(cadre, posyandu, child, **kw):
    data = {
        "visit_date": TODAY() - timedelta(days=1),
        "weight_kg": "9.6",
        "height_cm": "75.0",
        "position": "lying",
    }
    data.update(kw)
    return services.growth_visit_record(actor=cadre, posyandu=posyandu, child_id=child.pk, **data)


def test_visit_is_zscored_classified_and_audited(cadre, posyandu, make_child):
    # WHO igrowup survey child 1: girl, 683 days, 10.4 kg, 84.8 cm lying.
    child = make_child(birth_date=TODAY() - timedelta(days=683), sex=Sex.FEMALE)
    visit = _visit(cadre, posyandu, child, visit_date=TODAY(), weight_kg="10.4", height_cm="84.8")
    assert visit.age_days == 683
    assert (visit.waz, visit.haz, visit.whz, visit.baz) == (-0.57, -0.07, -0.81, -0.79)
    assert not visit.stunted and not visit.needs_remeasure
    assert visit.trend == "B"
    assert AuditEvent.objects.filter(action="health.growth_visit_record").count() == 1


def test_stunted_child(cadre, posyandu, make_child):
    # anthro: girl of 731 days at 77.5 cm → HAZ −2.55: stunted, not severely.
    child = make_child(birth_date=TODAY() - timedelta(days=731), sex=Sex.FEMALE)
    visit = _visit(
        cadre,
        posyandu,
        child,
        visit_date=TODAY(),
        weight_kg="9",
        height_cm="77.5",
        position="standing",
    )
    assert visit.haz == -2.55
    assert visit.stunted and not visit.severely_stunted


@permission_matrix(allowed={"staff_with_role"})
def test_visit_permission_matrix(actor_kind, allowed, matrix_actor, posyandu, child, make_cadre):
    actor = matrix_actor(actor_kind, village=posyandu.village, role=Role.POSYANDU_CADRE)
    if actor_kind == "staff_with_role":
        services.cadre_assign(
            actor=matrix_actor(
                "staff_with_role", village=posyandu.village, role=Role.VILLAGE_OPERATOR
            ),
            posyandu=posyandu,
            user=actor,
        )
    if allowed:
        assert _visit(actor, posyandu, child).pk
    else:
        assert_refused_unchanged(lambda: _visit(actor, posyandu, child), snapshot=_rows)


def test_cadre_of_another_posyandu_cannot_record(operator, village, posyandu, child, make_cadre):
    other = services.posyandu_create(actor=operator, village=village, name="Mawar", rw="005")
    stranger = make_cadre(other)
    assert_refused_unchanged(lambda: _visit(stranger, posyandu, child), snapshot=_rows)


def test_health_officer_reads_but_does_not_record(health_officer, posyandu, child):
    err = assert_refused_unchanged(lambda: _visit(health_officer, posyandu, child), snapshot=_rows)
    assert isinstance(err, NotFound)


@pytest.mark.parametrize(
    "field,value",
    [
        ("weight_kg", "-3"),
        ("weight_kg", "0"),
        ("weight_kg", "abc"),
        ("weight_kg", "NaN"),
        ("height_cm", "300"),
        ("head_cm", "5"),
        ("muac_cm", "99"),
        ("position", "sideways"),
        ("visit_date", "yesterday"),
        ("immunisations", ["smallpox"]),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(cadre, posyandu, child, field, value):
    err = assert_refused_unchanged(
        lambda: _visit(cadre, posyandu, child, **{field: value}), snapshot=_rows
    )
    assert field in err.details and err.status == 422


def test_visit_before_birth_or_in_future_is_refused(cadre, posyandu, child):
    before = child.birth_date - timedelta(days=1)
    err = assert_refused_unchanged(
        lambda: _visit(cadre, posyandu, child, visit_date=before), snapshot=_rows
    )
    assert "before the child's birth" in err.details["visit_date"]
    err = assert_refused_unchanged(
        lambda: _visit(cadre, posyandu, child, visit_date=TODAY() + timedelta(days=1)),
        snapshot=_rows,
    )
    assert "future" in err.details["visit_date"]


def test_child_of_another_village_is_refused(cadre, posyandu, make_user, neighbour_village):
    from smartkampung.population.testing import make_resident

    op = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    elsewhere = make_resident(
        actor=op, village=neighbour_village, rw="002", birth_date=TODAY() - timedelta(days=300)
    )
    err = assert_refused_unchanged(lambda: _visit(cadre, posyandu, elsewhere), snapshot=_rows)
    assert err.status == 404


def test_one_counted_visit_a_month(cadre, posyandu, child):
    _visit(cadre, posyandu, child, visit_date=TODAY().replace(day=1))
    if TODAY().day == 1:
        pytest.skip("needs a second day in the month")
    assert_refused_unchanged(
        lambda: _visit(cadre, posyandu, child, visit_date=TODAY()), snapshot=_rows
    )


def test_implausible_value_is_queued_and_a_remeasure_clears_it(cadre, posyandu, make_child):
    child = make_child(birth_date=TODAY() - timedelta(days=987))
    first_day = TODAY().replace(day=1)
    bad = _visit(
        cadre,
        posyandu,
        child,
        visit_date=first_day,
        height_cm="72.9",
        weight_kg="",
        position="lying",
    )
    assert bad.haz is not None and bad.haz < -6
    assert bad.needs_remeasure and not bad.stunted  # an implausible value does not count
    good = (
        _visit(
            cadre,
            posyandu,
            child,
            visit_date=first_day + timedelta(days=0) if TODAY().day == 1 else TODAY(),
            height_cm="88.0",
            weight_kg="12",
            position="standing",
        )
        if TODAY().day > 1
        else None
    )
    if good is None:
        pytest.skip("needs a second day in the month")
    bad.refresh_from_db()
    assert not bad.needs_remeasure and bad.remeasured_by_id == good.pk


def test_trend_naik_and_tidak_naik(cadre, posyandu, make_child):
    # Four months old at the second weighing: KBM 600 g (Buku KIA).
    born = date(2025, 1, 1)
    child = make_child(birth_date=born)
    GrowthVisit.objects.all().delete()
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=date(2025, 4, 10),
        weight_kg="6.00",
    )
    may = services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=date(2025, 5, 10),
        weight_kg="6.60",
    )
    june = services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=date(2025, 6, 10),
        weight_kg="7.00",
    )
    august = services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=date(2025, 8, 10),
        weight_kg="7.9",
    )
    assert (may.trend, june.trend, august.trend) == ("N", "T", "O")


def test_immunisation_only_once(cadre, posyandu, make_child):
    child = make_child(birth_date=date(2025, 1, 1))
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=date(2025, 3, 1),
        weight_kg="5",
        immunisations=["bcg"],
    )
    with pytest.raises(DomainError):
        services.growth_visit_record(
            actor=cadre,
            posyandu=posyandu,
            child_id=child.pk,
            visit_date=date(2025, 4, 1),
            weight_kg="6",
            immunisations=["bcg"],
        )
    assert GrowthVisit.objects.filter(child=child).count() == 1


@pytest.mark.parametrize(
    ("language", "named"), [("id", "Polio tetes 1 (OPV 1)"), ("en", "Oral polio 1 (OPV 1)")]
)
def test_a_vaccine_given_twice_is_named_in_the_users_language(
    cadre, posyandu, make_child, language, named
):
    child = make_child(birth_date=date(2025, 1, 1))
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=date(2025, 3, 1),
        weight_kg="5",
        immunisations=["opv1"],
    )
    with translation.override(language), pytest.raises(DomainError) as info:
        services.growth_visit_record(
            actor=cadre,
            posyandu=posyandu,
            child_id=child.pk,
            visit_date=date(2025, 4, 1),
            weight_kg="6",
            immunisations=["opv1"],
        )
    assert named in info.value.details["immunisations"]
    assert GrowthVisit.objects.filter(child=child).count() == 1


def test_every_vaccine_of_the_schedule_has_its_english_name():
    assert all(v.name and v.name_en for v in immunisation_schedule())


def test_exclusive_breastfeeding_only_under_six_months(cadre, posyandu, child):
    with pytest.raises(DomainError):
        _visit(cadre, posyandu, child, exclusive_breastfeeding=True)


def test_pregnancy_kek(cadre, posyandu, make_child):
    mother = make_child(birth_date=date(1998, 3, 3), sex=Sex.FEMALE, full_name="Siti Aminah")
    pregnancy = services.pregnancy_register(
        actor=cadre, posyandu=posyandu, mother_id=mother.pk, registered_on=TODAY()
    )
    visit = services.pregnancy_visit_record(
        actor=cadre, pregnancy=pregnancy, visit_date=TODAY(), muac_cm="23.4"
    )
    assert visit.chronic_energy_deficiency
    pregnancy2 = services.pregnancy_visit_record
    assert pregnancy2  # the same woman cannot have two open pregnancies:
    with pytest.raises(DomainError):
        services.pregnancy_register(
            actor=cadre, posyandu=posyandu, mother_id=mother.pk, registered_on=TODAY()
        )


def test_pregnancy_muac_at_threshold_is_not_kek(cadre, posyandu, make_child):
    mother = make_child(birth_date=date(1998, 3, 3), sex=Sex.FEMALE)
    pregnancy = services.pregnancy_register(
        actor=cadre, posyandu=posyandu, mother_id=mother.pk, registered_on=TODAY()
    )
    visit = services.pregnancy_visit_record(
        actor=cadre, pregnancy=pregnancy, visit_date=TODAY(), muac_cm="23.5"
    )
    assert not visit.chronic_energy_deficiency


def test_man_cannot_be_pregnant(cadre, posyandu, make_child):
    man = make_child(birth_date=date(1990, 3, 3), sex=Sex.MALE)
    assert_refused_unchanged(
        lambda: services.pregnancy_register(
            actor=cadre, posyandu=posyandu, mother_id=man.pk, registered_on=TODAY()
        ),
        snapshot=_rows,
    )


@permission_matrix(allowed={"staff_with_role"})
def test_posyandu_create_matrix(actor_kind, allowed, matrix_actor, village):
    actor = matrix_actor(
        actor_kind, village=village, role=Role.VILLAGE_OPERATOR, other_role=Role.VILLAGE_TREASURER
    )
    call = lambda: services.posyandu_create(actor=actor, village=village, name="Anggrek")  # noqa: E731
    if allowed:
        assert call().village_id == village.code
    else:
        assert_refused_unchanged(call, snapshot=_rows)


def test_cadre_must_hold_the_role(operator, posyandu, make_user):
    plain = make_user("no-role")
    assert_refused_unchanged(
        lambda: services.cadre_assign(actor=operator, posyandu=posyandu, user=plain),
        snapshot=_rows,
    )


def test_household_sanitation(operator, child, cadre, make_user):
    services.household_sanitation_set(
        actor=cadre, household_id=child.household_id, safe_water=False, healthy_latrine=True
    )
    row = HouseholdSanitation.objects.get(household_id=child.household_id)
    assert (row.safe_water, row.healthy_latrine) == (False, True)
    outsider = make_user("op.other", roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")])
    assert_refused_unchanged(
        lambda: services.household_sanitation_set(
            actor=outsider, household_id=child.household_id, safe_water=True, healthy_latrine=True
        ),
        snapshot=_rows,
    )


def test_child_view_is_in_the_access_log(cadre, child):
    services.child_record_view(actor=cadre, child=child)
    log = ResidentViewLog.objects.get(resident=child)
    assert log.viewer_id == cadre.pk and "posyandu_cadre" in log.viewer_role


def test_weight_is_stored_exactly(cadre, posyandu, child):
    visit = _visit(cadre, posyandu, child, weight_kg="9,65")
    assert visit.weight_kg == Decimal("9.65")


# --- closing a pregnancy ----------------------------------------------------------------------


@pytest.fixture
def open_pregnancy(cadre, posyandu, make_child):
    mother = make_child(birth_date=date(1996, 6, 1), sex=Sex.FEMALE, full_name="Dewi Hamil")
    pregnancy = services.pregnancy_register(
        actor=cadre,
        posyandu=posyandu,
        mother_id=mother.pk,
        registered_on=TODAY() - timedelta(days=200),
    )
    services.pregnancy_visit_record(
        actor=cadre,
        pregnancy=pregnancy,
        visit_date=TODAY() - timedelta(days=10),
        muac_cm="22.9",
    )
    return pregnancy


@pytest.mark.parametrize("outcome", ["delivered", "miscarriage", "other"])
def test_pregnancy_closes_with_its_outcome(cadre, posyandu, open_pregnancy, outcome):
    # Given an open pregnancy with a visit ten days ago, when the cadre closes it today:
    closed = services.pregnancy_close(
        actor=cadre, pregnancy=open_pregnancy, outcome=outcome, ended_on=TODAY().isoformat()
    )
    # then it is stored closed and audited,
    open_pregnancy.refresh_from_db()
    assert (open_pregnancy.outcome, open_pregnancy.ended_on) == (outcome, TODAY())
    assert closed.pk == open_pregnancy.pk
    event = AuditEvent.objects.get(action="health.pregnancy_close")
    assert event.data["outcome"] == outcome
    # it takes no more visits, and the woman can be registered for a new pregnancy.
    assert_refused_unchanged(
        lambda: services.pregnancy_visit_record(
            actor=cadre, pregnancy=open_pregnancy, visit_date=TODAY(), muac_cm="25"
        ),
        snapshot=_rows,
    )
    again = services.pregnancy_register(
        actor=cadre, posyandu=posyandu, mother_id=open_pregnancy.mother_id, registered_on=TODAY()
    )
    assert again.ended_on is None and again.outcome == ""


@pytest.mark.parametrize(
    "outcome,ended_on,field",
    [
        ("twins", "today", "outcome"),
        ("", "today", "outcome"),
        (None, "today", "outcome"),
        ("delivered", "tomorrow", "ended_on"),
        ("delivered", "2026-13-01", "ended_on"),
        ("delivered", "", "ended_on"),
        ("delivered", "<script>", "ended_on"),
        ("delivered", "before_registration", "ended_on"),
        ("delivered", "before_last_visit", "ended_on"),
    ],
)
def test_pregnancy_close_refuses_bad_input(cadre, open_pregnancy, outcome, ended_on, field):
    dates = {
        "today": TODAY().isoformat(),
        "tomorrow": (TODAY() + timedelta(days=1)).isoformat(),
        "before_registration": (TODAY() - timedelta(days=201)).isoformat(),
        "before_last_visit": (TODAY() - timedelta(days=11)).isoformat(),
    }
    error = assert_refused_unchanged(
        lambda: services.pregnancy_close(
            actor=cadre,
            pregnancy=open_pregnancy,
            outcome=outcome,
            ended_on=dates.get(ended_on, ended_on),
        ),
        snapshot=_rows,
    )
    assert field in error.details  # type: ignore[attr-defined]


def test_closed_pregnancy_cannot_be_closed_again(cadre, open_pregnancy):
    services.pregnancy_close(
        actor=cadre, pregnancy=open_pregnancy, outcome="delivered", ended_on=TODAY()
    )
    open_pregnancy.refresh_from_db()
    assert_refused_unchanged(
        lambda: services.pregnancy_close(
            actor=cadre, pregnancy=open_pregnancy, outcome="miscarriage", ended_on=TODAY()
        ),
        snapshot=_rows,
    )
    open_pregnancy.refresh_from_db()
    assert open_pregnancy.outcome == "delivered"


@pytest.mark.parametrize(
    "who", ["operator", "health_officer", "other_cadre", "outsider", "anonymous"]
)
def test_only_the_posyandus_cadre_closes_a_pregnancy(
    who, request, open_pregnancy, operator, make_user, make_cadre
):
    from django.contrib.auth.models import AnonymousUser

    actors = {
        "operator": lambda: operator,
        "health_officer": lambda: request.getfixturevalue("health_officer"),
        "other_cadre": lambda: make_cadre(
            services.posyandu_create(
                actor=operator, village=open_pregnancy.posyandu.village, name="Kenanga"
            ),
            "kader.kenanga",
        ),
        "outsider": lambda: make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")]),
        "anonymous": AnonymousUser,
    }
    actor = actors[who]()
    assert_refused_unchanged(
        lambda: services.pregnancy_close(
            actor=actor, pregnancy=open_pregnancy, outcome="delivered", ended_on=TODAY()
        ),
        snapshot=_rows,
        errors=(NotFound,),
    )
