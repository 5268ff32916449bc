from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from smartkampung.health import services
from smartkampung.health.prevalence import prevalence_recompute
from smartkampung.population.codes import Sex


def _measure(cadre, posyandu, child, height):
    services.growth_visit_record(
        actor=cadre,
        posyandu=posyandu,
        child_id=child.pk,
        visit_date=timezone.localdate(),
        weight_kg="9",
        height_cm=height,
        position="standing",
    )


def test_portal_shows_prevalence_with_small_cells_hidden(cadre, posyandu, make_child):
    born = timezone.localdate() - timedelta(days=731)
    names = ("Ani", "Budi", "Cici", "Dodi", "Eka", "Fitri")
    children = [make_child(birth_date=born, sex=Sex.FEMALE, full_name=f"Putri {n}") for n in names]
    # One stunted (77.5 cm at 731 days: HAZ −2.55), five not (85 cm).
    _measure(cadre, posyandu, children[0], "77.5")
    for child in children[1:]:
        _measure(cadre, posyandu, child, "85")
    prevalence_recompute()
    cache.clear()
    page = Client().get(f"/portal/{posyandu.village_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    section = text[
        text.index('id="child-growth"') : text.index("</section>", text.index('id="child-growth"'))
    ]
    assert ">6<" in section  # six children assessed: published
    assert "16,7" not in section and "16.7" not in section  # 1 of 6: hidden, and its percent
    assert section.count("•") >= 3
    assert "Putri" not in text  # never a child


def test_portal_without_figures_has_no_section(db, regions_loaded):
    cache.clear()
    text = Client().get("/portal/35.10.01.2001/").content.decode()
    assert 'id="child-growth"' not in text
