"""The red light: checking proposed enrolments against every rule — reads only.

``check(candidates)`` judges a list of proposed enrolments with a fixed number of queries per
chunk of rows (so one check and a file of 100,000 rows share one code path). Each candidate
gets a ``decision`` — ``accept``, ``review`` (a likely duplicate without NIK: a person holds it)
or ``refuse`` — and the findings that led to it: the rule code, a message in the user's
language and the evidence (ADR 0081). Rows judged earlier in the same call count as enrolled
for the later ones (a file that names a household twice, or more than the quota, is caught).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from smartkampung.population.identity import age_on, normalise_name
from smartkampung.population.models import Household, Resident, ResidentStatus

from .models import AidProgramme, Enrolment, EnrolmentStatus, ProgrammeQuota, RegisterEntry, Target

ACCEPT, REVIEW, REFUSE = "accept", "review", "refuse"
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DIGITS16 = re.compile(r"^\d{16}$")
CHUNK = 2000
HELD = (EnrolmentStatus.ACTIVE, EnrolmentStatus.REVIEW)
LIVING = (ResidentStatus.ALIVE, ResidentStatus.MISSING)
_HOUSEHOLD_FIELDS = ("pk", "kk_number", "village_id", "head_id")
_PERSON_FIELDS = ("pk", "nik", "status", "household_id", "village_id", "birth_date", "name_search")
_HELD_FIELDS = (
    "programme_id",
    "period",
    "village_id",
    "household_id",
    "resident_id",
    "nik",
    "kk_number",
    "name_search",
    "birth_date",
)


class Rule:
    """Rule codes (stable: files, the API and tests use them)."""

    UNKNOWN_PROGRAMME = "unknown_programme"
    INVALID_PERIOD = "invalid_period"
    PERIOD_OUTSIDE = "period_outside_programme"
    UNKNOWN_VILLAGE = "unknown_village"
    INVALID_IDENTIFIER = "invalid_identifier"
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_HOUSEHOLD = "unknown_household"
    NIK_KK_MISMATCH = "nik_kk_mismatch"
    DEAD = "dead"
    MOVED_OUT = "moved_out"
    LIVES_ELSEWHERE = "lives_in_other_village"
    NOT_IN_REGISTER = "not_in_register"
    DECILE_ABOVE_CEILING = "decile_above_ceiling"
    AGE_CONDITION = "age_condition"
    EXCLUDED_BY_PROGRAMME = "excluded_by_programme"
    ENROLLED_OTHER_VILLAGE = "enrolled_in_other_village"
    ALREADY_ENROLLED = "already_enrolled"
    QUOTA_FULL = "quota_full"
    LIKELY_DUPLICATE = "likely_duplicate"


@dataclass(frozen=True)
class Candidate:
    programme_code: str
    period: str
    nik: str
    kk_number: str
    village_code: str
    # Used only when there is no NIK: who the row means, for the fuzzy duplicate search.
    name: str = ""
    birth_date: date | None = None


@dataclass
class Finding:
    code: str
    decision: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "decision": self.decision,
            "message": self.message,
            "evidence": self.evidence,
        }


@dataclass
class Judgement:
    candidate: Candidate
    decision: str
    findings: list[Finding]
    # Resolved identities (for the enrolment service): None when unknown.
    programme: AidProgramme | None = None
    household_id: int | None = None
    resident_id: int | None = None
    nik: str = ""
    kk_number: str = ""
    name_search: str = ""
    birth_date: date | None = None

    @property
    def rules(self) -> list[str]:
        return [f.code for f in self.findings]


def period_bounds(period: str) -> tuple[date, date] | None:
    """``2026-03`` → (1 March, 31 March); None if not a ``YYYY-MM`` month."""
    found = _PERIOD.match(period or "")
    if not found:
        return None
    first = date(int(found.group(1)), int(found.group(2)), 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


@dataclass
class _Person:
    pk: int
    nik: str
    status: str
    household_id: int | None
    village_id: str
    birth_date: date
    name_search: str


@dataclass
class _Held:
    programme_id: int
    period: str
    village_id: str
    household_id: int
    resident_id: int | None
    nik: str
    kk_number: str
    name_search: str
    birth_date: date | None


class _Context:
    """Everything one chunk of candidates needs, loaded with a fixed number of queries."""

    def __init__(self, programmes: _Programmes) -> None:
        self.programmes = programmes
        self.by_id = {p.pk: p for p in programmes.values()}
        self.excludes = programmes.excludes
        self.quota: dict[tuple[int, str], int] = {}
        self.used: dict[tuple[int, str, str], int] = {}
        self.held: list[_Held] = []
        self.people: dict[str, _Person] = {}
        self.households: dict[str, tuple[int, str, int | None]] = {}
        self.household_kk: dict[int, str] = {}
        self.members: dict[int, list[_Person]] = defaultdict(list)
        self.entries: dict[int, list[RegisterEntry]] = defaultdict(list)
        self.held_by_household: dict[tuple[int, str], list[_Held]] = defaultdict(list)
        self.held_by_nik: dict[tuple[str, str], list[_Held]] = defaultdict(list)
        self.held_by_birth: dict[tuple[int, str, date], list[_Held]] = defaultdict(list)

    def _add_household(self, pk: int, kk: str, village: str, head: int | None) -> None:
        self.households[kk] = (pk, village, head)
        self.household_kk[pk] = kk

    def _add_person(self, p: _Person, niks: set[str], ids: set[int]) -> None:
        if p.nik in niks:
            known = self.people.get(p.nik)
            if known is None or p.status in LIVING:
                self.people[p.nik] = p
        if p.household_id in ids and p.status in LIVING:
            self.members[p.household_id].append(p)

    def load(self, candidates: list[Candidate]) -> None:
        """Four to seven queries for the whole chunk, whatever its size."""
        niks = {c.nik for c in candidates if _DIGITS16.match(c.nik)}
        kks = {c.kk_number for c in candidates if _DIGITS16.match(c.kk_number)}
        villages = {c.village_code for c in candidates}
        # The people named by NIK and the members of the households named by KK (with their
        # households), in one query.
        # (A UNION, not an OR across the join, so that each half uses its own index.)
        columns = (
            *_PERSON_FIELDS,
            "household__kk_number",
            "household__village_id",
            "household__head_id",
        )
        by_nik = Resident.objects.filter(nik__in=niks).order_by().values_list(*columns)
        by_kk = (
            Resident.objects.filter(household__kk_number__in=kks).order_by().values_list(*columns)
        )
        rows = (
            list(set(by_nik.union(by_kk, all=True)))
            if niks and kks
            else list(by_nik if niks else by_kk)
        )
        for row in rows:
            if row[7] in kks:
                self._add_household(row[3], row[7], row[8], row[9])
        # A KK whose members are all gone (or none recorded): the household row alone.
        missing_kks = kks - set(self.households)
        if missing_kks:
            for row in Household.objects.filter(kk_number__in=missing_kks).values_list(
                *_HOUSEHOLD_FIELDS
            ):
                self._add_household(*row)
        ids = set(self.household_kk)
        for row in rows:
            self._add_person(_Person(*row[:7]), niks, ids)
        # People named by NIK only: their households and members.
        more = {p.household_id for p in self.people.values() if p.household_id} - ids
        if more:
            for row in Household.objects.filter(pk__in=more).values_list(*_HOUSEHOLD_FIELDS):
                self._add_household(*row)
            for row in Resident.objects.filter(
                household_id__in=more, status__in=LIVING
            ).values_list(*_PERSON_FIELDS):
                self._add_person(_Person(*row), set(), more)
            ids |= more
        for entry in RegisterEntry.objects.filter(household_id__in=ids).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=date.today() - timedelta(days=3 * 366))
        ):
            self.entries[entry.household_id].append(entry)
        periods = {c.period for c in candidates}
        held_q = Q(household_id__in=ids) | Q(nik__in=niks) if niks else Q(household_id__in=ids)
        for row in (
            Enrolment.objects.filter(period__in=periods, status__in=HELD)
            .filter(held_q)
            .order_by()
            .values_list(*_HELD_FIELDS)
        ):
            self._remember(_Held(*row))
        births = {c.birth_date for c in candidates if c.birth_date and not c.nik}
        births |= {
            self._head_birth(c.kk_number) for c in candidates if not c.nik and c.kk_number
        } - {None}  # type: ignore[arg-type]
        if births:
            all_ids = [p.pk for p in self.programmes.values()]
            for row in (
                Enrolment.objects.filter(
                    programme_id__in=all_ids,
                    period__in=periods,
                    birth_date__in=births,
                    status__in=HELD,
                )
                .order_by()
                .values_list(*_HELD_FIELDS)
            ):
                held = _Held(*row)
                if held.birth_date is not None:
                    self.held_by_birth[(held.programme_id, held.period, held.birth_date)].append(
                        held
                    )
        found = (self.programmes.find(c.programme_code, c.village_code) for c in candidates)
        # Only programmes that have quotas at all need the quota rows and counts.
        pids: set[int] = {
            p.pk for p in found if p is not None and p.pk in self.programmes.with_quotas
        }
        if not pids:
            return
        for pid, village, quota in ProgrammeQuota.objects.filter(
            programme_id__in=pids, village_id__in=villages
        ).values_list("programme_id", "village_id", "quota"):
            self.quota[(pid, village)] = quota
        if not self.quota:
            return  # no quota applies: nothing to count
        counted = (
            Enrolment.objects.filter(
                programme_id__in={pid for pid, _v in self.quota},
                period__in=periods,
                village_id__in={v for _pid, v in self.quota},
                status__in=HELD,
            )
            .order_by()
            .values("programme_id", "period", "village_id")
            .annotate(n=Count("pk"))
        )
        for group in counted:
            key = (int(group["programme_id"]), str(group["period"]), str(group["village_id"]))
            self.used.setdefault(key, int(group["n"]))

    def _head_birth(self, kk: str) -> date | None:
        found = self.households.get(kk)
        if not found:
            return None
        for m in self.members.get(found[0], []):
            if m.pk == found[2]:
                return m.birth_date
        return None

    def _remember(self, held: _Held) -> None:
        self.held_by_household[(held.household_id, held.period)].append(held)
        if held.nik:
            self.held_by_nik[(held.nik, held.period)].append(held)
        if held.birth_date is not None:
            self.held_by_birth[(held.programme_id, held.period, held.birth_date)].append(held)

    def add(self, held: _Held) -> None:
        """A candidate judged acceptable (or held for review) counts for the later ones."""
        self._remember(held)
        key = (held.programme_id, held.period, held.village_id)
        self.used[key] = self.used.get(key, 0) + 1


def regency_of(code: str) -> str:
    """``35.10.01.2001`` → ``35.10``."""
    return ".".join(code.split(".")[:2])


class _Programmes(dict[str, AidProgramme]):
    """Programmes by code, each village seeing its own regency's (``get(code, village)``)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_regency: dict[tuple[str, str], AidProgramme] = {}
        for p in AidProgramme.objects.all():
            self.by_regency[(p.regency_id, p.code)] = p
            self[f"{p.regency_id}/{p.code}"] = p
        self.with_quotas = set(
            ProgrammeQuota.objects.order_by().values_list("programme_id", flat=True).distinct()
        )
        self.excludes: dict[int, set[int]] = defaultdict(set)
        through = AidProgramme.excludes.through
        for src, dst in through.objects.values_list("from_aidprogramme_id", "to_aidprogramme_id"):
            self.excludes[src].add(dst)

    def find(self, code: str, village_code: str) -> AidProgramme | None:
        return self.by_regency.get((regency_of(village_code), code))


_CACHE: dict[str, Any] = {"at": 0.0, "value": None}


def _programmes() -> _Programmes:
    """The programmes and their exclusions, kept for ``SK_WELFARE_RULES_CACHE_SECONDS`` in
    this process (two queries fewer per check); saving a programme forgets them at once."""
    ttl = float(getattr(settings, "SK_WELFARE_RULES_CACHE_SECONDS", 30))
    now = time.monotonic()
    if ttl > 0 and _CACHE["value"] is not None and now - _CACHE["at"] < ttl:
        return _CACHE["value"]
    value = _Programmes()
    _CACHE.update(at=now, value=value)
    return value


def forget_programmes() -> None:
    _CACHE["value"] = None


def _entry_on(entries: list[RegisterEntry], day: date) -> RegisterEntry | None:
    for entry in entries:
        if entry.true_on(day):
            return entry
    return None


def _judge(ctx: _Context, c: Candidate, today: date) -> Judgement:
    findings: list[Finding] = []
    j = Judgement(candidate=c, decision=ACCEPT, findings=findings)

    def refuse(code: str, message: str, **evidence: Any) -> Judgement:
        findings.append(Finding(code, REFUSE, message, evidence))
        j.decision = REFUSE
        return j

    programme = ctx.programmes.find(c.programme_code, c.village_code)
    if programme is None:
        return refuse(
            Rule.UNKNOWN_PROGRAMME,
            _("There is no programme with code %(code)s.") % {"code": c.programme_code or "–"},
            programme=c.programme_code,
        )
    j.programme = programme
    bounds = period_bounds(c.period)
    if bounds is None:
        return refuse(
            Rule.INVALID_PERIOD, _("The period is a month written YYYY-MM, e.g. 2026-03.")
        )
    first, last = bounds
    if last < programme.starts_on or first > programme.ends_on:
        refuse(
            Rule.PERIOD_OUTSIDE,
            _("%(code)s runs from %(start)s to %(end)s; %(period)s is outside.")
            % {
                "code": programme.code,
                "start": programme.starts_on.isoformat(),
                "end": programme.ends_on.isoformat(),
                "period": c.period,
            },
            starts_on=programme.starts_on.isoformat(),
            ends_on=programme.ends_on.isoformat(),
        )
    nik_given = bool(c.nik)
    if (nik_given and not _DIGITS16.match(c.nik)) or (
        c.kk_number and not _DIGITS16.match(c.kk_number)
    ):
        return refuse(Rule.INVALID_IDENTIFIER, _("A NIK and a KK number have 16 digits each."))
    person: _Person | None = None
    if nik_given:
        person = ctx.people.get(c.nik)
        if person is None:
            return refuse(Rule.UNKNOWN_PERSON, _("The NIK is not in the population register."))
        if person.status == ResidentStatus.DEAD:
            return refuse(Rule.DEAD, _("The resident is recorded as dead."))
        if person.status == ResidentStatus.MOVED_AWAY:
            return refuse(Rule.MOVED_OUT, _("The resident has moved out of the regency."))
    household: tuple[int, str, int | None] | None = None
    if c.kk_number:
        household = ctx.households.get(c.kk_number)
        if household is None:
            return refuse(
                Rule.UNKNOWN_HOUSEHOLD, _("The KK number is not in the population register.")
            )
        if person is not None and person.household_id != household[0]:
            return refuse(
                Rule.NIK_KK_MISMATCH,
                _("The NIK belongs to another family card than the KK number given."),
            )
    elif person is not None and person.household_id:
        kk = ctx.household_kk.get(person.household_id, "")
        household = ctx.households.get(kk)
    if household is None:
        return refuse(Rule.UNKNOWN_HOUSEHOLD, _("Give the KK number (or a NIK of a member)."))
    household_pk, household_village, head_id = household
    members = ctx.members.get(household_pk, [])
    if person is None:
        # No NIK: the person the row means is the named member, or the head of family.
        wanted = normalise_name(c.name)
        if wanted and c.birth_date:
            person = next(
                (
                    m
                    for m in members
                    if m.birth_date == c.birth_date and fuzz.ratio(m.name_search, wanted) >= 90
                ),
                None,
            )
        else:
            person = next((m for m in members if m.pk == head_id), None)
        if person is None and programme.target == Target.PERSON:
            return refuse(
                Rule.UNKNOWN_PERSON, _("No living member of this household matches the row.")
            )
    j.household_id = household_pk
    j.kk_number = ctx.household_kk.get(household_pk, c.kk_number)
    if person is not None:
        j.nik, j.name_search, j.birth_date = person.nik, person.name_search, person.birth_date
        if programme.target == Target.PERSON:
            j.resident_id = person.pk
    lives_in = person.village_id if person is not None else household_village
    if c.village_code != lives_in:
        refuse(
            Rule.LIVES_ELSEWHERE,
            _("The household lives in village %(actual)s, not in %(given)s.")
            % {"actual": lives_in, "given": c.village_code},
            village=lives_in,
        )
    day = min(first, today)
    entry = _entry_on(ctx.entries.get(household_pk, []), day)
    if programme.decile_max is not None:
        if entry is None:
            refuse(
                Rule.NOT_IN_REGISTER,
                _("The household is not in the welfare register on %(day)s.")
                % {"day": day.isoformat()},
                day=day.isoformat(),
            )
        elif entry.decile > programme.decile_max:
            refuse(
                Rule.DECILE_ABOVE_CEILING,
                _("Decile %(decile)d is above the programme's ceiling of %(max)d.")
                % {"decile": entry.decile, "max": programme.decile_max},
                decile=entry.decile,
                ceiling=programme.decile_max,
                entry_valid_from=entry.valid_from.isoformat(),
            )
    if programme.min_age is not None or programme.max_age is not None:
        low = programme.min_age if programme.min_age is not None else 0
        high = programme.max_age if programme.max_age is not None else 200
        if programme.target == Target.PERSON and person is not None:
            ages = [age_on(person.birth_date, first)]
        else:
            ages = [age_on(m.birth_date, first) for m in members]
        if not any(low <= a <= high for a in ages):
            refuse(
                Rule.AGE_CONDITION,
                (
                    _(
                        "The person is %(ages)s years old; "
                        "the programme is for ages %(low)d–%(high)d."
                    )
                    if programme.target == Target.PERSON
                    else _("No member of the household is aged %(low)d–%(high)d (ages: %(ages)s).")
                )
                % {
                    "ages": ", ".join(str(a) for a in sorted(ages)) or "–",
                    "low": low,
                    "high": high,
                },
                ages=sorted(ages),
                min_age=low,
                max_age=high,
            )
    held = list(ctx.held_by_household.get((household_pk, c.period), []))
    if j.nik:
        held += [h for h in ctx.held_by_nik.get((j.nik, c.period), []) if h not in held]
    excluded = ctx.excludes.get(programme.pk, set())
    for h in held:
        other = ctx.by_id.get(h.programme_id)
        if other is None or other.pk == programme.pk:
            continue
        if other.pk in excluded or programme.pk in ctx.excludes.get(other.pk, set()):
            refuse(
                Rule.EXCLUDED_BY_PROGRAMME,
                _("Enrolled in %(other)s in %(period)s; %(code)s excludes it.")
                % {"other": other.code, "period": c.period, "code": programme.code},
                programme=other.code,
                village=h.village_id,
            )
    same = [
        h
        for h in held
        if h.programme_id == programme.pk
        and (
            programme.target == Target.HOUSEHOLD
            or (j.resident_id is not None and h.resident_id == j.resident_id)
            or (j.nik and h.nik == j.nik)
        )
    ]
    for h in same:
        if h.village_id != c.village_code:
            refuse(
                Rule.ENROLLED_OTHER_VILLAGE,
                _("Already enrolled in %(code)s for %(period)s in village %(village)s.")
                % {"code": programme.code, "period": c.period, "village": h.village_id},
                village=h.village_id,
            )
        else:
            refuse(
                Rule.ALREADY_ENROLLED,
                _("Already enrolled in %(code)s for %(period)s in this village.")
                % {"code": programme.code, "period": c.period},
            )
        break
    quota = ctx.quota.get((programme.pk, c.village_code))
    used = ctx.used.get((programme.pk, c.period, c.village_code), 0)
    if quota is not None and used >= quota and not same:
        refuse(
            Rule.QUOTA_FULL,
            _("The village's quota of %(quota)d for %(code)s in %(period)s is full.")
            % {"quota": quota, "code": programme.code, "period": c.period},
            quota=quota,
            enrolled=used,
        )
    if not nik_given and j.birth_date is not None and j.decision != REFUSE:
        threshold = int(getattr(settings, "SK_WELFARE_DUPLICATE_NAME_SIMILARITY", 90))
        for h in ctx.held_by_birth.get((programme.pk, c.period, j.birth_date), []):
            if h.household_id == household_pk:
                continue
            score = fuzz.token_sort_ratio(h.name_search, j.name_search)
            if score >= threshold:
                findings.append(
                    Finding(
                        Rule.LIKELY_DUPLICATE,
                        REVIEW,
                        _(
                            "Without a NIK: someone with the same birth date and a similar name "
                            "(%(score)d%%) is already enrolled in %(code)s (village %(village)s)."
                        )
                        % {"score": score, "code": programme.code, "village": h.village_id},
                        {"similarity": score, "village": h.village_id},
                    )
                )
                j.decision = REVIEW
                break
    return j


def check(candidates: Iterable[Candidate], *, today: date | None = None) -> Iterable[Judgement]:
    """Judge each candidate, in order (a generator: files are judged chunk by chunk)."""
    today = today or date.today()
    programmes = _programmes()
    batch: list[Candidate] = []

    used: dict[tuple[int, str, str], int] = {}
    added: list[_Held] = []

    def run(batch: list[Candidate]) -> Iterable[Judgement]:
        ctx = _Context(programmes)
        ctx.used = used
        ctx.load(batch)
        if added:  # what earlier chunks accepted still counts
            households = {h[0] for h in ctx.households.values()}
            niks = {c.nik for c in batch}
            for h in added:
                if h.household_id in households or h.nik in niks:
                    ctx._remember(h)
        for c in batch:
            j = _judge(ctx, c, today)
            if j.decision != REFUSE and j.programme is not None and j.household_id is not None:
                held = _Held(
                    j.programme.pk,
                    c.period,
                    c.village_code,
                    j.household_id,
                    j.resident_id,
                    j.nik,
                    j.kk_number,
                    j.name_search,
                    j.birth_date,
                )
                ctx.add(held)
                added.append(held)
            yield j

    for c in candidates:
        batch.append(c)
        if len(batch) >= CHUNK:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)
