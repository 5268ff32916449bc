"""Aggregate population statistics (no personal data) for a village, kecamatan or regency.

Each village's counts are kept in a ``VillageStatistics`` row, recomputed lazily when the
register changed (``stale``) or on a new day (ages move); a kecamatan or the regency is the
sum of its villages' rows, so the regency page reads 217 small rows instead of scanning
1.8 million residents (ADR 0012). ``population_statistics`` takes no actor: the public portal
reuses it and applies its own small-cell suppression; ``selectors.statistics_for`` is the
scoped variant for officials.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from smartkampung.core.exceptions import NotFound, ValidationFailed
from smartkampung.regions.models import Level, Region

from .codes import Education, MaritalStatus, Occupation, Religion, Sex
from .identity import age_on
from .models import LIVING_STATUSES, Resident, VillageStatistics

# Five-year bands, youngest first; the last band is open-ended.
AGE_BAND_STARTS = tuple(range(0, 80, 5))
OPEN_BAND_START = 75


def age_band_label(start: int) -> str:
    return f"{start}+" if start >= OPEN_BAND_START else f"{start}-{start + 4}"


AGE_BANDS = tuple(age_band_label(s) for s in AGE_BAND_STARTS if s <= OPEN_BAND_START)


def age_band_bounds(band: str) -> tuple[int, int | None]:
    """``"20-24"`` → (20, 24); ``"75+"`` → (75, None). Raises ValidationFailed."""
    if band not in AGE_BANDS:
        raise ValidationFailed(_("Unknown age band."), code="bad_age_band")
    if band.endswith("+"):
        return int(band[:-1]), None
    low, high = band.split("-")
    return int(low), int(high)


def _band_index(age: int) -> int:
    return min(max(age, 0) // 5, OPEN_BAND_START // 5)


# The dimensions counted per village (column → choices).
DIMENSIONS: dict[str, type[models.IntegerChoices]] = {
    "religion": Religion,
    "education": Education,
    "occupation": Occupation,
    "marital_status": MaritalStatus,
}


def compute_village_counts(village_code: str, *, today: date) -> dict[str, Any]:
    """Count one village's living residents; plain JSON-able data."""
    columns = ["sex", "birth_date", *DIMENSIONS]
    pyramid = [[0, 0] for _band in AGE_BANDS]
    by_sex: Counter[int] = Counter()
    by_dim: dict[str, Counter[int]] = {name: Counter() for name in DIMENSIONS}
    rows = Resident.objects.filter(village_id=village_code, status__in=LIVING_STATUSES)
    for sex, birth, *values in rows.values_list(*columns).iterator(chunk_size=5000):
        by_sex[sex] += 1
        pyramid[_band_index(age_on(birth, today))][0 if sex == Sex.MALE else 1] += 1
        for name, value in zip(DIMENSIONS, values, strict=True):
            by_dim[name][value] += 1
    households = rows.filter(household__isnull=False).values("household_id").distinct().count()
    return {
        "total": sum(by_sex.values()),
        "households": households,
        "sex": {str(k): v for k, v in by_sex.items()},
        "pyramid": pyramid,
        **{name: {str(k): v for k, v in counter.items()} for name, counter in by_dim.items()},
    }


def mark_stale(village_codes: Iterable[str]) -> None:
    """Called by every service that changes who lives where (inside its transaction)."""
    codes = list(set(village_codes))
    if codes:
        VillageStatistics.objects.filter(village_id__in=codes).update(stale=True)


# A row up to this many days old is rolled forward (only ages moved); older ones are recounted.
ROLL_FORWARD_DAYS = 62


def _birthdays_crossing_a_band(since: date, today: date) -> list[date]:
    """Every birth date whose age band changes between ``since`` and ``today``: the residents
    who turned 5, 10, … 75 in (since, today]. A 29 February birthday falls on 1 March in other
    years (``age_on``), so those dates are added on 1 March; the caller checks each row."""
    out: set[date] = set()
    day = since
    while day < today:
        day = date.fromordinal(day.toordinal() + 1)
        for years in range(5, OPEN_BAND_START + 1, 5):
            year = day.year - years
            if year < 1:
                continue
            with contextlib.suppress(ValueError):  # 29 February, in a year that had none
                out.add(day.replace(year=year))
            if (day.month, day.day) == (3, 1):
                with contextlib.suppress(ValueError):
                    out.add(date(year, 2, 29))
    return sorted(out)


def _roll_forward(rows: list[VillageStatistics], today: date) -> None:
    """Move each row's pyramid from its day to ``today``: only residents who changed age band
    since move (one indexed query on their birth dates); every other count is unchanged by the
    date. Saves the rows."""
    by_day: dict[date, list[VillageStatistics]] = {}
    for row in rows:
        by_day.setdefault(row.computed_on, []).append(row)
    for since, group in by_day.items():
        data = {row.village_id: json.loads(row.data_json) for row in group}
        births = _birthdays_crossing_a_band(since, today)
        movers = Resident.objects.filter(
            village_id__in=list(data), status__in=LIVING_STATUSES, birth_date__in=births
        ).values_list("village_id", "sex", "birth_date")
        for village, sex, birth in movers.iterator(chunk_size=5000):
            before = _band_index(age_on(birth, since))
            after = _band_index(age_on(birth, today))
            if before != after:
                column = 0 if sex == Sex.MALE else 1
                data[village]["pyramid"][before][column] -= 1
                data[village]["pyramid"][after][column] += 1
        for row in group:
            row.data_json = json.dumps(data[row.village_id], separators=(",", ":"))
            row.computed_on = today
        VillageStatistics.objects.bulk_update(group, ["data_json", "computed_on"], batch_size=500)


def refresh_village_statistics(
    village_codes: Iterable[str], *, today: date | None = None, force: bool = False
) -> int:
    """Bring the rows of these villages to ``today``: recount those missing or stale (the
    register changed), roll forward those from an earlier day (ages moved), leave the rest.
    Returns how many villages were recounted or rolled forward."""
    today = today or date.today()
    codes = sorted(set(village_codes))
    current = VillageStatistics.objects.filter(village_id__in=codes, stale=False)
    fresh = set(current.filter(computed_on=today).values_list("village_id", flat=True))
    rolled = 0
    if not force:
        earliest = date.fromordinal(today.toordinal() - ROLL_FORWARD_DAYS)
        older = list(current.filter(computed_on__lt=today, computed_on__gte=earliest))
        if older:
            with transaction.atomic():
                _roll_forward(older, today)
            fresh |= {row.village_id for row in older}
            rolled = len(older)
    todo = codes if force else [c for c in codes if c not in fresh]
    if len(todo) > 1 and connection.vendor == "postgresql":
        computed = _compute_many_postgres(todo, today=today)
    else:
        computed = {code: compute_village_counts(code, today=today) for code in todo}
    with transaction.atomic():
        for code in todo:
            VillageStatistics.objects.update_or_create(
                village_id=code,
                defaults={
                    "computed_on": today,
                    "stale": False,
                    "data_json": json.dumps(computed[code], separators=(",", ":")),
                },
            )
    return len(todo) + rolled


_GROUPED_SQL = """
SELECT village_id, sex, band, religion, education, occupation, marital_status,
       GROUPING(sex, band), GROUPING(religion), GROUPING(education), GROUPING(occupation),
       GROUPING(marital_status), count(*)
FROM (
    SELECT village_id, sex, religion, education, occupation, marital_status,
           LEAST(date_part('year', age(%(today)s::date, birth_date))::int / 5, %(last)s) AS band
    FROM population_resident
    WHERE status = ANY(%(living)s) AND village_id = ANY(%(codes)s)
) r
GROUP BY GROUPING SETS (
    (village_id, sex, band), (village_id, religion), (village_id, education),
    (village_id, occupation), (village_id, marital_status)
)
"""


def _compute_many_postgres(codes: list[str], *, today: date) -> dict[str, dict[str, Any]]:
    """The same counts as ``compute_village_counts`` for many villages in one scan."""
    result: dict[str, dict[str, Any]] = {
        code: {
            "total": 0,
            "households": 0,
            "sex": {},
            "pyramid": [[0, 0] for _band in AGE_BANDS],
            **{name: {} for name in DIMENSIONS},
        }
        for code in codes
    }
    params: dict[str, Any] = {
        "today": today,
        "last": OPEN_BAND_START // 5,
        "living": list(LIVING_STATUSES),
        "codes": codes,
    }
    with connection.cursor() as cursor:
        cursor.execute(_GROUPED_SQL, params)
        for row in cursor.fetchall():
            village, sex, band, religion, education, occupation, marital, *groups, n = row
            data = result[village]
            if groups[0] == 0:  # (village, sex, band)
                data["total"] += n
                data["sex"][str(sex)] = data["sex"].get(str(sex), 0) + n
                data["pyramid"][band][0 if sex == Sex.MALE else 1] += n
            for name, grouped, value in zip(
                DIMENSIONS, groups[1:], (religion, education, occupation, marital), strict=True
            ):
                if grouped == 0:
                    data[name][str(value)] = n
        cursor.execute(
            "SELECT village_id, count(DISTINCT household_id) FROM population_resident "
            "WHERE status = ANY(%s) AND village_id = ANY(%s) AND household_id IS NOT NULL "
            "GROUP BY village_id",
            [list(LIVING_STATUSES), codes],
        )
        for village, households in cursor.fetchall():
            result[village]["households"] = households
    return result


@dataclass
class PopulationStatistics:
    """Counts for a region; each ``by_*`` list holds ``{"code", "label", "value"}``."""

    region_code: str
    region_name: str
    level: str
    villages: int
    total: int = 0
    households: int = 0
    male: int = 0
    female: int = 0
    computed_on: date | None = None
    pyramid: list[dict[str, Any]] = field(default_factory=list)
    by_sex: list[dict[str, Any]] = field(default_factory=list)
    by_religion: list[dict[str, Any]] = field(default_factory=list)
    by_education: list[dict[str, Any]] = field(default_factory=list)
    by_occupation: list[dict[str, Any]] = field(default_factory=list)
    by_marital_status: list[dict[str, Any]] = field(default_factory=list)
    # The next level down (kecamatan of a regency, villages of a kecamatan):
    # {"code", "name", "total", "households"}.
    children: list[dict[str, Any]] = field(default_factory=list)


def _labelled(counts: Counter[str], choices: type[models.IntegerChoices]) -> list[dict[str, Any]]:
    """Every code that occurs, in code order (zero rows left out)."""
    return [
        {"code": int(value), "label": str(label), "value": counts[str(value)]}
        for value, label in choices.choices
        if counts[str(value)]
    ]


def population_statistics(*, region_code: str, today: date | None = None) -> PopulationStatistics:
    """Aggregate statistics of a village, kecamatan or regency — no personal data, no actor.

    Raises NotFound for an unknown region code."""
    region = Region.objects.defer("boundary").filter(code=region_code).first()
    if region is None:
        raise NotFound(_("Region not found."))
    if region.level == Level.VILLAGE:
        codes = [region.code]
    else:
        codes = list(
            Region.objects.filter(
                level=Level.VILLAGE, code__startswith=region.code + "."
            ).values_list("code", flat=True)
        )
    today = today or date.today()
    refresh_village_statistics(codes, today=today)
    pyramid = [[0, 0] for _band in AGE_BANDS]
    total = households = 0
    sums: dict[str, Counter[str]] = {name: Counter() for name in ("sex", *DIMENSIONS)}
    child_of = _child_code_function(region)
    child_totals: dict[str, list[int]] = {}
    for village_code, data_json in VillageStatistics.objects.filter(
        village_id__in=codes
    ).values_list("village_id", "data_json"):
        data = json.loads(data_json)
        if child_of is not None:
            sums_of_child = child_totals.setdefault(child_of(village_code), [0, 0])
            sums_of_child[0] += data["total"]
            sums_of_child[1] += data["households"]
        total += data["total"]
        households += data["households"]
        for i, (male, female) in enumerate(data["pyramid"]):
            pyramid[i][0] += male
            pyramid[i][1] += female
        for name, counter in sums.items():
            counter.update(data.get(name, {}))
    stats = PopulationStatistics(
        region_code=region.code,
        region_name=region.name,
        level=region.level,
        villages=len(codes),
        total=total,
        households=households,
        male=sums["sex"][str(Sex.MALE.value)],
        female=sums["sex"][str(Sex.FEMALE.value)],
        computed_on=today,
        pyramid=[
            {"band": band, "male": m, "female": f}
            for band, (m, f) in zip(AGE_BANDS, pyramid, strict=True)
        ],
        by_sex=_labelled(sums["sex"], Sex),
        by_religion=_labelled(sums["religion"], Religion),
        by_education=_labelled(sums["education"], Education),
        by_occupation=_labelled(sums["occupation"], Occupation),
        by_marital_status=_labelled(sums["marital_status"], MaritalStatus),
    )
    names = dict(Region.objects.filter(code__in=list(child_totals)).values_list("code", "name"))
    stats.children = [
        {"code": code, "name": names.get(code, code), "total": t, "households": h}
        for code, (t, h) in sorted(child_totals.items())
    ]
    return stats


def population_statistics_by_village(
    *, region_code: str, today: date | None = None
) -> dict[str, PopulationStatistics]:
    """The statistics of every village below ``region_code`` (or of the village itself), one
    object per village code — aggregates only, no personal data, no actor.

    For callers that need village detail in bulk (the public portal applies small-cell
    suppression across the whole region tree): one refresh and one read for all villages
    instead of one ``population_statistics`` call per village. Raises NotFound for an unknown
    region code."""
    region = Region.objects.defer("boundary").filter(code=region_code).first()
    if region is None:
        raise NotFound(_("Region not found."))
    villages = list(
        Region.objects.filter(level=Level.VILLAGE)
        .filter(models.Q(code=region.code) | models.Q(code__startswith=region.code + "."))
        .only("code", "name", "level")
        .order_by("code")
    )
    today = today or date.today()
    refresh_village_statistics([v.code for v in villages], today=today)
    stored = dict(
        VillageStatistics.objects.filter(village_id__in=[v.code for v in villages]).values_list(
            "village_id", "data_json"
        )
    )
    result: dict[str, PopulationStatistics] = {}
    for village in villages:
        data = json.loads(stored.get(village.code) or "{}")
        counts = {name: Counter(data.get(name, {})) for name in ("sex", *DIMENSIONS)}
        pyramid = data.get("pyramid") or [[0, 0] for _band in AGE_BANDS]
        result[village.code] = PopulationStatistics(
            region_code=village.code,
            region_name=village.name,
            level=village.level,
            villages=1,
            total=int(data.get("total", 0)),
            households=int(data.get("households", 0)),
            male=counts["sex"][str(Sex.MALE.value)],
            female=counts["sex"][str(Sex.FEMALE.value)],
            computed_on=today,
            pyramid=[
                {"band": band, "male": m, "female": f}
                for band, (m, f) in zip(AGE_BANDS, pyramid, strict=True)
            ],
            by_sex=_labelled(counts["sex"], Sex),
            by_religion=_labelled(counts["religion"], Religion),
            by_education=_labelled(counts["education"], Education),
            by_occupation=_labelled(counts["occupation"], Occupation),
            by_marital_status=_labelled(counts["marital_status"], MaritalStatus),
        )
    return result


def _child_code_function(region: Region) -> Any:
    """Village code → the code of the child of ``region`` that contains it (None: a village)."""
    if region.level == Level.VILLAGE:
        return None
    depth = region.code.count(".") + 2  # parts in the child's code
    return lambda code: ".".join(code.split(".")[:depth])
