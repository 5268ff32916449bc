from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from smartkampung.accounts.models import Role
from smartkampung.health import services
from smartkampung.health.models import GrowthVisit, HouseholdSanitation
from smartkampung.health.prevalence import prevalence_recompute
from smartkampung.population.codes import Sex
from smartkampung.population.models import ResidentViewLog


def _stunted(cadre, posyandu, make_child, **kw):
    # anthro: girl of 731 days at 77.5 cm → HAZ −2.55 (stunted).
    child = make_child(
        birth_date=timezone.localdate() - timedelta(days=731),
        sex=Sex.FEMALE,
        full_name=kw.pop("full_name", "Sari Pendek"),
        **kw,
    )
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=timezone.localdate(),
        weight_kg="9",
        height_cm="77.5",
        position="standing",
    )
    return child


def test_cadre_records_a_visit_on_the_child_page(login_client, cadre, child):
    client = login_client(cadre)
    page = client.get(f"/health/children/{child.pk}/")
    assert page.status_code == 200 and child.full_name in page.content.decode()
    assert ResidentViewLog.objects.filter(resident=child, viewer=cadre).count() == 1
    answer = client.post(
        f"/health/children/{child.pk}/",
        {
            "visit_date": timezone.localdate().isoformat(),
            "weight_kg": "9.5",
            "height_cm": "74",
            "position": "lying",
        },
    )
    assert answer.status_code == 302
    assert GrowthVisit.objects.filter(child=child).count() == 1


def test_bad_visit_shows_error_and_saves_nothing(login_client, cadre, child):
    answer = login_client(cadre).post(
        f"/health/children/{child.pk}/",
        {
            "visit_date": timezone.localdate().isoformat(),
            "weight_kg": "-2",
            "height_cm": "300",
            "position": "lying",
        },
    )
    assert answer.status_code == 422
    assert "Harus antara" in answer.content.decode()  # the message, in Indonesian by default
    assert not GrowthVisit.objects.exists()


def test_child_of_other_village_is_404(login_client, make_user, child):
    outsider = make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")])
    assert login_client(outsider).get(f"/health/children/{child.pk}/").status_code == 404
    assert login_client(outsider).get(f"/health/children/{child.pk}/kms.svg").status_code == 404
    treasurer = make_user(roles=[(Role.VILLAGE_TREASURER, child.village_id)])
    assert login_client(treasurer).get(f"/health/children/{child.pk}/").status_code == 404
    assert not ResidentViewLog.objects.exists()


def test_kms_svg_has_the_childs_points_and_no_script(login_client, cadre, posyandu, make_child):
    child = _stunted(cadre, posyandu, make_child)
    answer = login_client(cadre).get(f"/health/children/{child.pk}/kms.svg")
    body = answer.content.decode()
    assert answer["Content-Type"].startswith("image/svg+xml")
    assert body.count("<circle") == 1 and "<script" not in body and "style=" not in body


def test_village_stunting_list_with_sanitation_and_welfare(
    login_client, cadre, posyandu, make_child, health_officer, settings
):
    child = _stunted(cadre, posyandu, make_child)
    services.household_sanitation_set(
        actor=cadre, household_id=child.household_id, safe_water=False, healthy_latrine=None
    )
    settings.SK_HEALTH_WELFARE_STATUS = "smartkampung.health.tests.test_views.fake_welfare"
    page = login_client(health_officer).get(f"/health/villages/{posyandu.village_id}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Sari Pendek" in text and "-2,55" in text
    assert "D1, PKH" in text
    assert child.nik not in text  # masked
    assert HouseholdSanitation.objects.get().safe_water is False


def test_the_welfare_status_shown_is_in_the_households_access_log(
    login_client, cadre, posyandu, make_child, health_officer, settings
):
    from smartkampung.population.models import ResidentViewLog

    child = _stunted(cadre, posyandu, make_child)
    settings.SK_HEALTH_WELFARE_STATUS = "smartkampung.health.tests.test_views.fake_welfare"
    login_client(health_officer).get(f"/health/villages/{posyandu.village_id}/")
    views = ResidentViewLog.objects.filter(resident_id=child.pk, viewer=health_officer)
    assert [v.reason for v in views.all()] == ["Daftar anak stunting"]
    url = f"/health/villages/{posyandu.village_id}/rembuk-stunting.xlsx"
    assert login_client(health_officer).get(url).status_code == 200
    assert views.count() == 2
    settings.SK_HEALTH_WELFARE_STATUS = ""  # status unknown: nothing of the register shown
    login_client(health_officer).get(f"/health/villages/{posyandu.village_id}/")
    assert views.count() == 2


class _Status:
    in_register, decile, programmes = True, 1, ["PKH"]


def fake_welfare(*, actor, household_ids):
    return {h: _Status() for h in household_ids}


def test_without_welfare_setting_status_is_unknown(
    login_client, cadre, posyandu, make_child, health_officer
):
    _stunted(cadre, posyandu, make_child)
    text = login_client(health_officer).get(f"/health/villages/{posyandu.village_id}/").content
    assert "—" in text.decode()


def test_rembuk_xlsx(login_client, cadre, posyandu, make_child, operator):
    child = _stunted(cadre, posyandu, make_child)
    prevalence_recompute()
    answer = login_client(operator).get(
        f"/health/villages/{posyandu.village_id}/rembuk-stunting.xlsx"
    )
    book = load_workbook(io.BytesIO(answer.content))
    kids = list(book.worksheets[1].iter_rows(values_only=True))
    assert kids[1][0] == "Sari Pendek" and child.nik not in str(kids) and kids[1][6] == -2.55
    figures = list(book.worksheets[0].iter_rows(values_only=True))
    assert figures[3][1:4] == (1, 1, 100.0)


def test_prevalence_counts_only_plausible_and_rolls_up(
    cadre, posyandu, make_child, health_officer, login_client
):
    _stunted(cadre, posyandu, make_child)
    ok = make_child(birth_date=timezone.localdate() - timedelta(days=683), sex=Sex.FEMALE)
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=ok.pk,
        visit_date=timezone.localdate(),
        weight_kg="10.4",
        height_cm="84.8",
        position="lying",
    )
    odd = make_child(birth_date=timezone.localdate() - timedelta(days=987))
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=odd.pk,
        visit_date=timezone.localdate(),
        height_cm="72.9",
        position="lying",
    )  # HAZ < −6: implausible
    prevalence_recompute()
    from smartkampung.health.models import PrevalenceFigure

    for kind, code in (
        ("posyandu", str(posyandu.pk)),
        ("village", posyandu.village_id),
        ("district", "35.10.01"),
        ("regency", "35.10"),
    ):
        f = PrevalenceFigure.objects.get(area_kind=kind, area_code=code)
        assert (f.measured, f.stunted, f.stunting_percent) == (2, 1, 50.0)
    page = login_client(health_officer).get("/health/regions/35.10/")
    assert page.status_code == 200 and "50,0" in page.content.decode()
    prevalence_recompute()  # idempotent
    assert PrevalenceFigure.objects.filter(area_kind="regency").count() == 1


def test_cadre_home_goes_to_posyandu(login_client, cadre, posyandu, child):
    answer = login_client(cadre).get("/health/")
    assert answer.status_code == 302 and answer["Location"] == f"/health/posyandu/{posyandu.pk}/"
    page = login_client(cadre).get(answer["Location"])
    assert child.full_name in page.content.decode()


def test_posyandu_page_lists_children_without_n_plus_one(
    login_client, cadre, posyandu, make_child, django_assert_max_num_queries
):
    for name in ("Ani", "Budi", "Cici", "Dodi", "Eka", "Fitri"):
        c = make_child(full_name=f"Anak {name}")
        services.growth_visit_record(
            actor=cadre,
            posyandu=posyandu,
            child_id=c.pk,
            visit_date=timezone.localdate(),
            weight_kg="9",
        )
    client = login_client(cadre)
    with django_assert_max_num_queries(20):
        page = client.get(f"/health/posyandu/{posyandu.pk}/")
    assert page.content.decode().count("Anak ") == 6


def test_birth_in_register_appears_by_itself(login_client, cadre, operator, village):
    from smartkampung.population.services import birth_register
    from smartkampung.population.testing import resident_data

    baby = birth_register(
        actor=operator,
        village=village,
        data=resident_data(
            full_name="Bayi Baru",
            birth_date=timezone.localdate() - timedelta(days=3),
            rw="002",
            family_role=4,
            marital_status=1,
        ),
    )
    page = login_client(cadre).get("/health/")
    page = login_client(cadre).get(page["Location"])
    assert "Bayi Baru" in page.content.decode() and baby.pk


def test_cadre_registers_pregnancy_and_kek_shows(login_client, cadre, posyandu, make_child):
    from datetime import date

    mother = make_child(birth_date=date(1997, 5, 5), sex=Sex.FEMALE, full_name="Siti Hamil")
    client = login_client(cadre)
    page = client.get(f"/health/posyandu/{posyandu.pk}/")
    assert "Siti Hamil" in page.content.decode()  # offered in the form
    today = timezone.localdate().isoformat()
    r = client.post(
        f"/health/posyandu/{posyandu.pk}/pregnancies/",
        {"mother": mother.pk, "registered_on": today},
    )
    assert r.status_code == 302
    from smartkampung.health.models import Pregnancy

    pregnancy = Pregnancy.objects.get(mother=mother)
    bad = client.post(
        f"/health/posyandu/{posyandu.pk}/pregnancies/{pregnancy.pk}/visits/",
        {"visit_date": today, "muac_cm": "abc"},
    )
    assert bad.status_code == 422 and not pregnancy.visits.exists()
    r = client.post(
        f"/health/posyandu/{posyandu.pk}/pregnancies/{pregnancy.pk}/visits/",
        {"visit_date": today, "muac_cm": "22.0"},
    )
    assert r.status_code == 302
    page = client.get(f"/health/posyandu/{posyandu.pk}/").content.decode()
    assert "KEK" in page


def test_operator_assigns_cadre_and_sets_sanitation(
    login_client, operator, posyandu, make_user, make_child, cadre
):
    newcomer = make_user("kader.baru", roles=[(Role.POSYANDU_CADRE, posyandu.village_id)])
    client = login_client(operator)
    r = client.post(
        f"/health/villages/{posyandu.village_id}/", {"cadre": newcomer.pk, "posyandu": posyandu.pk}
    )
    assert r.status_code == 302 and newcomer.posyandu_cadre.posyandu_id == posyandu.pk
    child = _stunted(cadre, posyandu, make_child)
    r = client.post(
        f"/health/households/{child.household_id}/sanitation/",
        {
            "safe_water": "yes",
            "healthy_latrine": "no",
            "next": f"/health/villages/{posyandu.village_id}/",
        },
    )
    assert r.status_code == 302
    row = HouseholdSanitation.objects.get(household_id=child.household_id)
    assert (row.safe_water, row.healthy_latrine) == (True, False)
    bad = client.post(
        f"/health/households/{child.household_id}/sanitation/", {"safe_water": "maybe"}
    )
    assert bad.status_code == 422
    row.refresh_from_db()
    assert row.safe_water is True


def test_regency_map_colours_villages(login_client, cadre, posyandu, make_child, health_officer):
    _stunted(cadre, posyandu, make_child)
    prevalence_recompute()
    page = login_client(health_officer).get("/health/regions/35.10/").content.decode()
    assert page.count("<path ") == 217
    assert "#dc2626" in page  # Sarongan: 100 % of one measured child


def test_camat_sees_village_figures_but_no_child(
    login_client, make_user, cadre, posyandu, make_child
):
    _stunted(cadre, posyandu, make_child)
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    page = login_client(camat).get(f"/health/villages/{posyandu.village_id}/")
    assert page.status_code == 200 and "Sari Pendek" not in page.content.decode()
    rembuk = login_client(camat).get(f"/health/villages/{posyandu.village_id}/rembuk-stunting.xlsx")
    assert rembuk.status_code == 404


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


@pytest.mark.parametrize("viewer", ["health_officer", "operator"])
def test_village_stunting_page_queries_do_not_grow_with_children(
    viewer, request, login_client, cadre, posyandu, make_child
):
    # Given one stunted child with its household's sanitation, then four more in four households.
    client = login_client(request.getfixturevalue(viewer))
    url = f"/health/villages/{posyandu.village_id}/"
    names = ["Sari Satu", "Sari Dua", "Sari Tiga", "Sari Empat", "Sari Lima"]
    for i, name in enumerate(names):
        child = _stunted(cadre, posyandu, make_child, full_name=name)
        services.household_sanitation_set(
            actor=cadre, household_id=child.household_id, safe_water=False, healthy_latrine=True
        )
        if i == 0:
            client.get(url)  # warm the session and caches
            one, _text = _queries(client, url)
    # When the page lists all five, then it reads the same number of queries as for one.
    five, text = _queries(client, url)
    assert all(name in text for name in names)
    assert five == one, f"{one} queries for one stunted child, {five} for five"
    assert five <= 24  # 16 for the page, up to 8 for logging the welfare status it shows


def test_regency_map_queries_do_not_grow_with_villages(
    login_client,
    cadre,
    posyandu,
    make_child,
    make_user,
    make_cadre,
    health_officer,
    neighbour_village,
):
    # Given figures in one village, then in a second village too.
    client = login_client(health_officer)
    _stunted(cadre, posyandu, make_child)
    prevalence_recompute()
    client.get("/health/regions/35.10/")  # the map's paths are computed once, then cached
    one, _text = _queries(client, "/health/regions/35.10/")
    operator2 = make_user(roles=[(Role.VILLAGE_OPERATOR, neighbour_village.code)])
    other = services.posyandu_create(actor=operator2, village=neighbour_village, name="Mawar")
    from smartkampung.population.codes import FamilyRole, MaritalStatus
    from smartkampung.population.testing import make_resident

    def neighbour_child(**kw):
        return make_resident(
            actor=operator2,
            village=neighbour_village,
            family_role=FamilyRole.CHILD,
            marital_status=MaritalStatus.NOT_MARRIED,
            **kw,
        )

    _stunted(make_cadre(other, "kader.mawar"), other, neighbour_child)
    prevalence_recompute()
    # When the map colours both, then the count is the same and both villages are red.
    two, text = _queries(client, "/health/regions/35.10/")
    assert text.count('fill="#dc2626"') == 2
    assert two == one, f"{one} queries for one village with figures, {two} for two"
    assert two <= 12


def _pregnant(cadre, posyandu, make_child):
    from datetime import date

    mother = make_child(birth_date=date(1997, 5, 5), sex=Sex.FEMALE, full_name="Siti Hamil")
    pregnancy = services.pregnancy_register(
        actor=cadre,
        posyandu=posyandu,
        mother_id=mother.pk,
        registered_on=timezone.localdate() - timedelta(days=100),
    )
    return pregnancy


def test_cadre_closes_a_pregnancy_on_the_posyandu_page(login_client, cadre, posyandu, make_child):
    from smartkampung.health.models import Pregnancy

    pregnancy = _pregnant(cadre, posyandu, make_child)
    client = login_client(cadre)
    url = f"/health/posyandu/{posyandu.pk}/pregnancies/{pregnancy.pk}/close/"
    page = client.get(f"/health/posyandu/{posyandu.pk}/").content.decode()
    assert "Tutup catatan kehamilan" in page and "Keguguran" in page  # Indonesian by default
    # A malformed date: the page says why and nothing changes.
    bad = client.post(url, {"outcome": "delivered", "ended_on": "kemarin"})
    assert bad.status_code == 422 and "Kehamilan tidak ditutup." in bad.content.decode()
    pregnancy.refresh_from_db()
    assert pregnancy.ended_on is None and pregnancy.outcome == ""
    today = timezone.localdate().isoformat()
    assert client.post(url, {"outcome": "miscarriage", "ended_on": today}).status_code == 302
    pregnancy.refresh_from_db()
    assert pregnancy.outcome == "miscarriage" and pregnancy.ended_on == timezone.localdate()
    page = client.get(f"/health/posyandu/{posyandu.pk}/").content.decode()
    assert "Catatan kehamilan yang ditutup" in page and f"Keguguran {today}" in page
    assert not Pregnancy.objects.filter(ended_on__isnull=True).exists()
    # In English too.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/health/posyandu/{posyandu.pk}/").content.decode()
    assert "Closed pregnancy records" in english and f"Miscarriage {today}" in english


def test_pregnancy_of_another_posyandu_cannot_be_closed_through_this_one(
    login_client, cadre, posyandu, make_child, operator, make_cadre
):
    pregnancy = _pregnant(cadre, posyandu, make_child)
    other = services.posyandu_create(actor=operator, village=posyandu.village, name="Kenanga")
    stranger = make_cadre(other, "kader.kenanga")
    today = timezone.localdate().isoformat()
    for client, pid in ((login_client(stranger), other.pk), (login_client(operator), posyandu.pk)):
        r = client.post(
            f"/health/posyandu/{pid}/pregnancies/{pregnancy.pk}/close/",
            {"outcome": "delivered", "ended_on": today},
        )
        assert r.status_code == 404
    pregnancy.refresh_from_db()
    assert pregnancy.ended_on is None


def _pdf_text(body: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(body)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout


def test_rembuk_pdf_lists_figures_and_children_as_text(
    login_client, cadre, posyandu, make_child, operator
):
    from smartkampung.audit.models import AuditEvent

    # A name that would be markup if it were evaluated (raw text, a smart quote) stays as typed.
    hostile = "Sari `Dewi` O'Neil"
    child = _stunted(cadre, posyandu, make_child, full_name=hostile)
    prevalence_recompute()
    client = login_client(operator)
    page = client.get(f"/health/villages/{posyandu.village_id}/").content.decode()
    assert "Laporan rembuk stunting (PDF)" in page
    answer = client.get(f"/health/villages/{posyandu.village_id}/rembuk-stunting.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    text = _pdf_text(answer.content)
    assert hostile in text and child.nik not in text
    assert "Anak stunting" in text and "-2,55" in text and "100" in text  # Indonesian by default
    events = AuditEvent.objects.filter(action="health.rembuk_export")
    assert [e.data["format"] for e in events] == ["pdf"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = _pdf_text(
        client.get(f"/health/villages/{posyandu.village_id}/rembuk-stunting.pdf").content
    )
    assert "Stunted children" in english and "-2.55" in english


def test_rembuk_pdf_is_refused_to_who_may_not_see_children(
    login_client, make_user, cadre, posyandu, make_child
):
    _stunted(cadre, posyandu, make_child)
    camat = make_user(roles=[(Role.DISTRICT_OFFICER, "35.10.01")])
    outsider = make_user(roles=[(Role.VILLAGE_OPERATOR, "35.10.02.2001")])
    for user in (camat, outsider):
        r = login_client(user).get(f"/health/villages/{posyandu.village_id}/rembuk-stunting.pdf")
        assert r.status_code == 404
