"""WHO Child Growth Standards 2006: z-scores by the LMS method, vectorised with numpy.

The tables are WHO's own expanded (day-indexed, 0.1 cm-indexed) LMS tables, shipped in
``data/who/`` with their provenance. The rules follow WHO's computation (the *anthro* software
and its documentation, *WHO Child Growth Standards: Methods and development*, 2006, chapter 7):

- age in whole days (0–1856) and z-scores only for children younger than 60 months
  (age in days / 30.4375 < 60);
- length below 731 days, height from 731 days: a child under two measured standing gets 0.7 cm
  added, a child of two or more measured lying gets 0.7 cm taken off; a child younger than
  9 months measured standing is an implausible position, so the height is used unchanged;
- length/height-for-age and head circumference-for-age: the plain LMS z-score; weight-for-age,
  weight-for-length/height and BMI-for-age: WHO's restricted z-score beyond ±3 SD (the
  distance from ±3 SD measured in units of the 2–3 SD distance at that age or length);
- weight-for-length (45–110 cm) below 731 days, weight-for-height (65–120 cm) from 731 days,
  with the LMS values interpolated linearly between the 0.1 cm rows of the table;
- z-scores are rounded to 2 decimals and flagged as implausible when HAZ < −6 or > +6,
  WAZ < −6 or > +5, WHZ, BAZ or HCZ < −5 or > +5.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

TABLE_DIR = Path(__file__).resolve().parents[3] / "data" / "who"

DAYS_PER_MONTH = 30.4375
MAX_AGE_DAYS = 1856
LENGTH_AGE_LIMIT_DAYS = 731  # below: length (lying); from here: height (standing)
POSITION_CORRECTION_CM = 0.7
STANDING_MIN_MONTHS = 9

MALE, FEMALE = 1, 2
UNKNOWN_POSITION, LYING, STANDING = 0, 1, 2

# Implausible-value flags: (lower, upper) bounds of a plausible z-score (WHO anthro).
FLAG_BOUNDS: dict[str, tuple[float, float]] = {
    "haz": (-6.0, 6.0),
    "waz": (-6.0, 5.0),
    "whz": (-5.0, 5.0),
    "baz": (-5.0, 5.0),
    "hcz": (-5.0, 5.0),
}
INDICATORS = ("waz", "haz", "whz", "baz", "hcz")
# Bit of each flag in ``ZScores.flags``.
FLAG_BITS: dict[str, int] = {
    "haz": 1,
    "waz": 2,
    "whz": 4,
    "baz": 8,
    "hcz": 16,
    "standing_under_9_months": 32,
}


@dataclass(frozen=True)
class LmsTable:
    """``lms[sex - 1, index]`` = (L, M, S); index = age in days, or (cm − start) × 10."""

    lms: NDArray[np.float64]
    start: float = 0.0  # first length/height (cm) of a length-indexed table

    @property
    def size(self) -> int:
        return int(self.lms.shape[1])


def _read_table(name: str, *, by_length: bool = False) -> LmsTable:
    path = TABLE_DIR / f"{name}.txt"
    # Columns: sex, age (or length/height), l, m, s[, lorh]; tab-separated with a header.
    raw = np.loadtxt(path, delimiter="\t", skiprows=1, usecols=(0, 1, 2, 3, 4))
    keys = raw[:, 1]
    first = float(keys.min())
    index = np.rint((keys - first) * 10).astype(int) if by_length else keys.astype(int)
    size = int(index.max()) + 1
    lms = np.full((2, size, 3), np.nan)
    sex = raw[:, 0].astype(int)
    lms[sex - 1, index] = raw[:, 2:5]
    if np.isnan(lms).any():
        raise ValueError(f"WHO table {path.name} has gaps")
    return LmsTable(lms=lms, start=first if by_length else 0.0)


@cache
def tables() -> dict[str, LmsTable]:
    """WHO's tables, read once per process."""
    return {
        "waz": _read_table("weianthro"),
        "haz": _read_table("lenanthro"),
        "baz": _read_table("bmianthro"),
        "hcz": _read_table("hcanthro"),
        "wfl": _read_table("wflanthro", by_length=True),
        "wfh": _read_table("wfhanthro", by_length=True),
    }


@dataclass(frozen=True)
class ZScores:
    """One entry per measurement; ``nan`` where a z-score is not defined."""

    age_days: NDArray[np.float64]
    clenhei: NDArray[np.float64]  # length/height after the 0.7 cm correction
    waz: NDArray[np.float64]
    haz: NDArray[np.float64]
    whz: NDArray[np.float64]
    baz: NDArray[np.float64]
    hcz: NDArray[np.float64]
    flags: NDArray[np.int64]  # bits of FLAG_BITS

    def __len__(self) -> int:
        return int(self.age_days.shape[0])

    def flag_names(self, i: int) -> list[str]:
        value = int(self.flags[i])
        return [name for name, bit in FLAG_BITS.items() if value & bit]

    def plausible(self, indicator: str) -> NDArray[np.bool_]:
        """Defined and not flagged: the values that count in figures."""
        values = getattr(self, indicator)
        return ~np.isnan(values) & ((self.flags & FLAG_BITS[indicator]) == 0)


def _lms_z(y: NDArray, l: NDArray, m: NDArray, s: NDArray) -> NDArray:  # noqa: E741
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        safe_l = np.where(l == 0, 1.0, l)
        z = np.where(l == 0, np.log(y / m) / s, ((y / m) ** safe_l - 1.0) / (s * safe_l))
    return np.asarray(z, dtype=np.float64)


def _sd_value(k: float, l: NDArray, m: NDArray, s: NDArray) -> NDArray:  # noqa: E741
    """The measurement at ``k`` SD for these LMS parameters."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        safe_l = np.where(l == 0, 1.0, l)
        return np.where(l == 0, m * np.exp(s * k), m * (1.0 + safe_l * s * k) ** (1.0 / safe_l))


def _restricted_z(y: NDArray, l: NDArray, m: NDArray, s: NDArray) -> NDArray:  # noqa: E741
    """WHO's restricted z-score: beyond ±3 SD, distances in units of the 2–3 SD interval."""
    z = _lms_z(y, l, m, s)
    sd3p, sd2p = _sd_value(3.0, l, m, s), _sd_value(2.0, l, m, s)
    sd3n, sd2n = _sd_value(-3.0, l, m, s), _sd_value(-2.0, l, m, s)
    with np.errstate(invalid="ignore", divide="ignore"):
        high = 3.0 + (y - sd3p) / (sd3p - sd2p)
        low = -3.0 + (y - sd3n) / (sd2n - sd3n)
    return np.where(z > 3.0, high, np.where(z < -3.0, low, z))


def _by_age(
    table: LmsTable, sex: NDArray, age: NDArray, y: NDArray, valid: NDArray, *, restricted: bool
) -> NDArray:
    ok = valid & ~np.isnan(y) & (y > 0)
    out = np.full(y.shape, np.nan)
    if not ok.any():
        return out
    idx = age[ok].astype(np.int64)
    lms = table.lms[sex[ok] - 1, idx]
    fn = _restricted_z if restricted else _lms_z
    out[ok] = fn(y[ok], lms[:, 0], lms[:, 1], lms[:, 2])
    return out


def _by_length(
    table: LmsTable, sex: NDArray, length: NDArray, weight: NDArray, ok: NDArray
) -> NDArray:
    out = np.full(weight.shape, np.nan)
    if not ok.any():
        return out
    # Position in 0.1 cm steps from the table's first row; the tiny epsilon keeps 84.8 cm
    # (847.99999… tenths in binary) on its own row, as WHO's lookup by the truncated value does.
    pos = (length[ok] - table.start) * 10.0
    low = np.floor(pos + 1e-9).astype(np.int64)
    frac = np.clip(pos - low, 0.0, 1.0)
    high = np.minimum(low + 1, table.size - 1)
    rows = sex[ok] - 1
    lo, hi = table.lms[rows, low], table.lms[rows, high]
    lms = lo + frac[:, None] * (hi - lo)
    out[ok] = _restricted_z(weight[ok], lms[:, 0], lms[:, 1], lms[:, 2])
    return out


def _as_float(values: ArrayLike | None, n: int) -> NDArray[np.float64]:
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values, dtype=np.float64)
    return np.broadcast_to(arr, (n,)).copy() if arr.ndim == 0 else arr


def compute_zscores(
    *,
    sex: ArrayLike,
    age_days: ArrayLike,
    weight_kg: ArrayLike | None = None,
    height_cm: ArrayLike | None = None,
    position: ArrayLike | None = None,
    head_cm: ArrayLike | None = None,
    oedema: ArrayLike | None = None,
) -> ZScores:
    """Z-scores of many measurements at once.

    ``sex``: 1 male, 2 female (anything else: no z-score). ``age_days``: whole days (``nan``
    unknown). ``position``: 1 lying (length), 2 standing (height), 0 unknown (no correction).
    Weights, lengths and circumferences ``nan`` where not measured; ``oedema`` true leaves the
    weight-based z-scores undefined, as WHO does.
    """
    sex_arr = np.asarray(sex, dtype=np.int64)
    n = int(sex_arr.shape[0])
    age = _as_float(age_days, n)
    weight = _as_float(weight_kg, n)
    lenhei = _as_float(height_cm, n)
    head = _as_float(head_cm, n)
    pos = np.zeros(n, dtype=np.int64) if position is None else np.asarray(position, np.int64)
    no_oedema = np.ones(n, bool) if oedema is None else ~np.asarray(oedema, dtype=bool)

    known_sex = (sex_arr == MALE) | (sex_arr == FEMALE)
    sex_idx = np.where(known_sex, sex_arr, MALE)
    known_age = ~np.isnan(age)
    with np.errstate(invalid="ignore"):
        months = age / DAYS_PER_MONTH
        age_ok = known_sex & known_age & (age >= 0) & (age <= MAX_AGE_DAYS) & (months < 60)
        age_idx = np.where(age_ok, age, 0.0)

        standing_too_young = known_age & (pos == STANDING) & (months < STANDING_MIN_MONTHS)
        cpos = np.where(standing_too_young, UNKNOWN_POSITION, pos)
        clenhei = lenhei.copy()
        clenhei = np.where(
            known_age & (age < LENGTH_AGE_LIMIT_DAYS) & (cpos == STANDING),
            clenhei + POSITION_CORRECTION_CM,
            clenhei,
        )
        clenhei = np.where(
            known_age & (age >= LENGTH_AGE_LIMIT_DAYS) & (cpos == LYING),
            clenhei - POSITION_CORRECTION_CM,
            clenhei,
        )
        bmi = weight / (clenhei / 100.0) ** 2

    t = tables()
    waz = _by_age(t["waz"], sex_idx, age_idx, weight, age_ok & no_oedema, restricted=True)
    haz = _by_age(t["haz"], sex_idx, age_idx, clenhei, age_ok, restricted=False)
    baz = _by_age(t["baz"], sex_idx, age_idx, bmi, age_ok & no_oedema, restricted=True)
    hcz = _by_age(t["hcz"], sex_idx, age_idx, head, age_ok, restricted=False)

    # Weight-for-length below two years, weight-for-height from two years (or, age unknown,
    # by the position measured, or else by length below 87 cm).
    with np.errstate(invalid="ignore"):
        use_length = np.where(
            known_age,
            age < LENGTH_AGE_LIMIT_DAYS,
            np.where(cpos == UNKNOWN_POSITION, lenhei < 87, cpos == LYING),
        )
        base = (
            known_sex
            & no_oedema
            & ~np.isnan(weight)
            & (weight > 0)
            & ~np.isnan(clenhei)
            & (~known_age | ((age >= 0) & (age <= MAX_AGE_DAYS) & (months < 60)))
        )
        wfl_ok = base & use_length & (clenhei >= 45.0) & (clenhei <= 110.0)
        wfh_ok = base & ~use_length & (clenhei >= 65.0) & (clenhei <= 120.0)
    whz = np.where(
        wfl_ok,
        _by_length(t["wfl"], sex_idx, clenhei, weight, wfl_ok),
        _by_length(t["wfh"], sex_idx, clenhei, weight, wfh_ok),
    )

    result = {"waz": waz, "haz": haz, "whz": whz, "baz": baz, "hcz": hcz}
    flags = np.where(standing_too_young, FLAG_BITS["standing_under_9_months"], 0).astype(np.int64)
    for name, values in result.items():
        rounded = np.round(values, 2)
        result[name] = rounded
        lower, upper = FLAG_BOUNDS[name]
        with np.errstate(invalid="ignore"):
            flagged = ~np.isnan(rounded) & ((rounded < lower) | (rounded > upper))
        flags |= np.where(flagged, FLAG_BITS[name], 0)
    return ZScores(
        age_days=np.where(known_age, age, np.nan),
        clenhei=clenhei,
        flags=flags,
        **result,
    )


def age_in_days(birth_date: object, visit_date: object) -> int:
    """Whole days between birth and visit (WHO's age in days)."""
    from datetime import date

    assert isinstance(birth_date, date) and isinstance(visit_date, date)
    return (visit_date - birth_date).days
