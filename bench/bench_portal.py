"""Regency dashboard and public portal at regency scale.

Data, reusing the other benchmarks' generators: the population of 217 villages
(``gen_population``: 1.8 M residents, 120,000 with ``--quick``), an approved APBDes for each of
the 189 desa (``bench_budgets.generate``: 345 items each, 60 with ``--quick``), ten years of
projects with photo hashes (``bench_projects.generate_regency``: 20 per village and year, 2
with ``--quick``) and the red flags the engine finds in them; plus a village operator per
village with a recent or old login and 90 days of rollout snapshots.

Measured through the full Django stack (test client: middleware, session, scope checks,
templates, the database cache of production settings): the dashboard with its figures
precomputed (target p95 < 300 ms), and a public village page (target p95 < 100 ms) warm, with
its cached body expired, and fully cold.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

import bench_budgets
import bench_projects
import gen_population
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from harness import Harness

from conftest import BOUNDARIES_FILE, CODES_FILE
from smartkampung.accounts.models import Role, RoleAssignment, User
from smartkampung.budgets.models import VillageBudget
from smartkampung.budgets.reference_data import load_reference_data
from smartkampung.dashboards.models import RolloutSnapshot
from smartkampung.dashboards.services import dashboard_refresh
from smartkampung.population.models import Resident
from smartkampung.portal.caching import PREFIX
from smartkampung.portal.population import compute_published
from smartkampung.projects.models import Project, RedFlag
from smartkampung.projects.redflags import detect_all
from smartkampung.regions.models import Level, Region

REGENCY = "35.10"
YEAR = timezone.localdate().year - 1  # the last full year of the generated project history
PASSWORD = "bench-password-not-secret"
TREND_DAYS = 90
POPULATION_KEY = "bench:portal:population"
STATIC = bench_budgets.STATIC


def _user(username: str, role: str, scope: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, scope_id=scope)
    return user


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _timed(h: Harness, name: str, fn: Any, **notes: Any) -> Any:
    start = time.perf_counter()
    result = fn()
    h.record(name, time.perf_counter() - start, "s", **notes)
    return result


def _population(h: Harness, total: int) -> None:
    have = Resident.objects.count()
    if cache.get(POPULATION_KEY) == total and abs(have - total) < total * 0.01:
        print(f"  reusing {have:,} residents")
        return
    print(f"  generating {total:,} residents ...")
    timings = gen_population.generate(total)
    cache.set(POPULATION_KEY, total, None)
    h.record(f"generate {timings['residents']:,} residents", timings["seconds"], "s", notes="COPY")


def _operators_and_snapshots() -> int:
    """A village operator per village, logged in 0–40 days ago; 90 days of snapshots."""
    rng = random.Random(90)
    now = timezone.now()
    today = timezone.localdate()
    codes = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    with transaction.atomic():
        User.objects.filter(username__startswith="bench.op.").delete()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench.op.{code}",
                    password="!",  # unusable: these accounts only carry a login time
                    last_login=now - timedelta(days=rng.uniform(0, 40)),
                )
                for code in codes
            ]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, role=Role.VILLAGE_OPERATOR, scope_id=code)
                for u, code in zip(users, codes, strict=True)
            ]
        )
        RolloutSnapshot.objects.all().delete()
        start_day = {code: rng.randrange(0, 2 * TREND_DAYS) for code in codes}
        RolloutSnapshot.objects.bulk_create(
            [
                RolloutSnapshot(
                    day=today - timedelta(days=age),
                    village_id=code,
                    operator_active=start_day[code] > age,
                    active=start_day[code] > age,
                )
                for age in range(1, TREND_DAYS + 1)
                for code in codes
            ],
            batch_size=5000,
        )
    return len(codes)


def _letters(year: int, total: int, recent: int) -> int:
    """Numbered letters (bulk rows, as ``bench_letters`` does): ``total`` spread over
    ``year`` and ``recent`` in the last 30 days, over every village and letter type."""
    import secrets

    from smartkampung.letters.models import Letter, LetterType
    from smartkampung.letters.services.catalogue import letter_types_install_defaults

    letter_types_install_defaults(regency_code=REGENCY)
    Letter.objects.filter(sequence_key="bench-portal").delete()
    types = list(LetterType.objects.filter(regency_id=REGENCY))
    head = _user("bench.kades", Role.VILLAGE_HEAD, "35.10.01.2001")
    villages = list(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
    rng = random.Random(7)
    tz = timezone.get_current_timezone()
    start = timezone.datetime(year, 1, 1, 8, tzinfo=tz)
    now = timezone.now()
    rows: list[Letter] = []
    for n in range(total + recent):
        if n < total:
            issued = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 360))
        else:
            issued = now - timedelta(minutes=rng.randrange(1, 60 * 24 * 30))
        rows.append(
            Letter(
                village_id=rng.choice(villages),
                letter_type=rng.choice(types),
                sequence_key="bench-portal",
                year=issued.year,
                sequence_number=n + 1,
                number=f"BP/{n + 1}",
                issued_at=issued,
                token=secrets.token_urlsafe(24),
                subject_name=f"Warga {n}",
                subject_nik="",
                content={},
                signer=head,
                signer_name="Kepala Desa",
                signer_position="Kepala Desa",
                signed_at=issued,
                issue_seconds=rng.randrange(300, 4 * 3600),
            )
        )
        if len(rows) == 5000:
            Letter.objects.bulk_create(rows)
            rows = []
    Letter.objects.bulk_create(rows)
    return total + recent


def _cycle(client: Client, urls: list[str]) -> Any:
    state = {"i": 0}

    def call() -> None:
        url = urls[state["i"] % len(urls)]
        state["i"] += 1
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def run(h: Harness, *, quick: bool = False) -> None:
    if not Region.objects.exists():
        from smartkampung.regions.services import region_import

        region_import(codes=CODES_FILE.read_bytes(), boundaries=BOUNDARIES_FILE.read_bytes())
    load_reference_data()
    total = 120_000 if quick else 1_800_000
    h.context["portal_scale"] = {"residents": total, "year": YEAR}
    _population(h, total)

    bench_budgets.YEAR = YEAR  # the generator's year: the dashboard's year of projects
    items = _timed(
        h,
        "generate approved APBDes of the 189 desa",
        lambda: bench_budgets.generate(items_per_budget=60 if quick else 345),
    )
    bench_projects._clear()
    counts = _timed(
        h,
        "generate 10 years of projects",
        lambda: bench_projects.generate_regency(2 if quick else 20),
    )
    flags = _timed(h, "detect red flags in them", detect_all)
    letters = _timed(
        h,
        "generate letters",
        lambda: _letters(YEAR, 20_000 if quick else 200_000, 1_000 if quick else 8_000),
    )
    villages = _operators_and_snapshots()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    projects_year = Project.objects.filter(planned_start__year=YEAR).count()
    h.context["portal_data"] = {
        "villages": villages,
        "residents": Resident.objects.count(),
        "budget_items": items,
        "approved_budgets": VillageBudget.objects.filter(year=YEAR, status="approved").count(),
        "projects": counts["projects"],
        "projects_in_year": projects_year,
        "open_red_flags": RedFlag.objects.filter(status="open").count(),
        "findings": flags.found,
        "letters": letters,
    }
    print(f"  data: {h.context['portal_data']}")
    runs = 15 if quick else 60

    # --- the dashboard -------------------------------------------------------------------
    _timed(
        h,
        "dashboard_refresh: every section for the regency (background task)",
        lambda: dashboard_refresh(regency_code=REGENCY, year=YEAR),
    )
    officer = _client(_user("bench.pmd", Role.REGENCY_OFFICER, REGENCY))
    camat = _client(_user("bench.camat", Role.DISTRICT_OFFICER, "35.10.01"))
    with override_settings(STORAGES=STATIC):
        h.measure(
            f"dashboard, regency (217 villages, {projects_year} projects in {YEAR})",
            _cycle(officer, [f"/dashboards/?year={YEAR}"]),
            n=runs,
            target_p95_ms=300,
        )
        h.measure(
            "dashboard, kecamatan officer",
            _cycle(camat, [f"/dashboards/?year={YEAR}"]),
            n=runs,
            target_p95_ms=300,
        )
        h.measure(
            "dashboard table page: APBDes of the 189 desa",
            _cycle(officer, [f"/dashboards/tables/budget-villages/?year={YEAR}"]),
            n=runs,
        )
        h.measure(
            "dashboard CSV: ceilings against budgets",
            _cycle(officer, [f"/dashboards/tables/ceilings/?year={YEAR}&format=csv"]),
            n=runs,
        )
        h.measure(
            "dashboard map data (map.json)",
            _cycle(officer, [f"/dashboards/map.json?year={YEAR}"]),
            n=runs,
        )

        # --- the public portal ------------------------------------------------------------
        cache.clear()
        _timed(
            h,
            "published population statistics: suppression over the regency (243 regions)",
            lambda: compute_published(regency_code=REGENCY, threshold=5),
        )
        public = _client()
        codes = list(
            Region.objects.filter(level=Level.VILLAGE)
            .order_by("code")
            .values_list("code", flat=True)
        )[::5]
        urls = [f"/portal/{code}/?year={YEAR}" for code in codes]
        for url in urls:  # warm: one visit each (the first pays the population suppression)
            public.get(url)
        h.measure(
            f"public village page, warm (cycling {len(urls)} villages)",
            _cycle(public, urls),
            n=max(runs, 2 * len(urls)),
            target_p95_ms=100,
        )
        state = {"i": 0}

        def expired_body() -> None:
            code = codes[state["i"] % len(codes)]
            state["i"] += 1
            cache.delete(f"{PREFIX}:id:region:{code}:{YEAR}")
            assert public.get(f"/portal/{code}/?year={YEAR}").status_code == 200

        h.measure(
            "public village page, body expired (figures recomputed, population cached)",
            expired_body,
            n=runs,
        )

        def cold() -> None:
            cache.clear()
            assert public.get(f"/portal/{codes[0]}/?year={YEAR}").status_code == 200

        h.measure(
            "public village page, fully cold (cache empty: regency-wide suppression first)",
            cold,
            n=3 if quick else 5,
            warmup=0,
        )
        public.get(f"/portal/?year={YEAR}")
        h.measure("public regency page, warm", _cycle(public, [f"/portal/?year={YEAR}"]), n=runs)
        cache.delete(f"{PREFIX}:id:region:{REGENCY}:{YEAR}")
        start = time.perf_counter()
        assert public.get(f"/portal/?year={YEAR}").status_code == 200
        h.record("public regency page, body expired", (time.perf_counter() - start) * 1000, "ms")
        for name, url in (
            (
                "open data: regency population CSV (243 regions)",
                "/portal/data/35.10/population.csv",
            ),
            (
                f"open data: Fiscal Data Package expenditure.csv {YEAR}",
                f"/portal/data/fiscal/{YEAR}/expenditure.csv",
            ),
            (
                f"open data: regency projects GeoJSON {YEAR}",
                f"/portal/data/35.10/projects.geojson?year={YEAR}",
            ),
        ):
            start = time.perf_counter()
            response = public.get(url)
            took = (time.perf_counter() - start) * 1000
            assert response.status_code == 200
            h.record(name + ", first request", took, "ms", notes=f"{len(response.content):,} bytes")
