"""Importing a village's residents from a CSV or XLSX file (command line and web upload).

All rows are validated first (``importer.parse_file``) and checked against the register;
if anything is wrong nothing is written and every problem is reported by row and column.
A valid file is written in one transaction with bulk operations; a resident already living
in the village with the same NIK is updated (so importing the same file twice changes
nothing the second time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from smartkampung import audit
from smartkampung.core.exceptions import ValidationFailed
from smartkampung.regions.models import Region

from ..codes import FamilyRole
from ..exceptions import PopulationErrorCode
from ..identity import normalise_name
from ..importer import MAX_REPORTED_ERRORS, ParsedFile, RowError, parse_file
from ..models import (
    LIVING_STATUSES,
    Household,
    LifeEvent,
    LifeEventKind,
    Resident,
    ResidentStatus,
)
from ..statistics import mark_stale
from .residents import HOUSEHOLD_FIELDS, _village, require_edit

BATCH = 2000
# Fields an import sets on a resident (everything the file carries except the KK number).
RESIDENT_IMPORT_FIELDS = (
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "religion",
    "education",
    "occupation",
    "marital_status",
    "family_role",
    "blood_type",
    "citizenship",
    "disability",
    "father_name",
    "mother_name",
    "rt",
    "rw",
    "dusun",
    "address",
)

PhaseFn = Callable[[str, int, int], None]


class ImportRefused(ValidationFailed):
    """``details`` is the list of {"row", "column", "message"} (at most MAX_REPORTED_ERRORS)."""

    code = PopulationErrorCode.IMPORT_INVALID

    def __init__(self, errors: list[RowError], total: int) -> None:
        super().__init__(
            ngettext(
                "The file has %(n)d error; nothing was imported.",
                "The file has %(n)d errors; nothing was imported.",
                total,
            )
            % {"n": total},
            details=[e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
        )
        self.error_count = total


@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    households_created: int
    errors: list[RowError] = field(default_factory=list)


def _check_against_register(parsed: ParsedFile, village: Region) -> dict[str, Resident]:
    """Conflicts with residents of other villages; returns this village's matches by NIK."""
    niks = [r.values["nik"] for r in parsed.rows]
    existing: dict[str, Resident] = {}
    elsewhere: dict[str, str] = {}
    not_living: dict[str, str] = {}
    for start in range(0, len(niks), BATCH):
        chunk = niks[start : start + BATCH]
        for resident in Resident.objects.filter(nik__in=chunk).only(
            "id", "nik", "village_id", "status", "household_id", *RESIDENT_IMPORT_FIELDS
        ):
            if resident.status in LIVING_STATUSES:
                if resident.village_id == village.code:
                    existing[resident.nik] = resident
                else:
                    elsewhere[resident.nik] = resident.village_id
            else:
                not_living[resident.nik] = resident.status
    kk_numbers = sorted({r.values["kk_number"] for r in parsed.rows})
    foreign_kk: set[str] = set()
    heads: dict[str, str] = {}  # KK → NIK of its current living head
    for start in range(0, len(kk_numbers), BATCH):
        chunk = kk_numbers[start : start + BATCH]
        for (
            kk,
            village_id,
            head_nik,
            head_status,
            head_household,
            household_id,
        ) in Household.objects.filter(kk_number__in=chunk).values_list(
            "kk_number",
            "village_id",
            "head__nik",
            "head__status",
            "head__household_id",
            "id",
        ):
            if village_id != village.code:
                foreign_kk.add(kk)
            elif head_nik and head_status in LIVING_STATUSES and head_household == household_id:
                heads[kk] = head_nik
    file_niks = set(niks)
    for row in parsed.rows:
        nik, kk = row.values["nik"], row.values["kk_number"]
        if nik in elsewhere:
            parsed.errors.append(
                RowError(
                    row.row,
                    "nik",
                    _(
                        "This NIK is registered as a living resident of another village; "
                        "record a transfer instead."
                    ),
                )
            )
        elif nik not in existing and nik in not_living:
            parsed.errors.append(
                RowError(
                    row.row,
                    "nik",
                    _("This NIK belongs to a resident recorded as %(status)s; record a move-in.")
                    % {"status": ResidentStatus(not_living[nik]).label.lower()},
                )
            )
        if kk in foreign_kk:
            parsed.errors.append(
                RowError(row.row, "no_kk", _("This KK number belongs to another village."))
            )
        elif (
            row.values["family_role"] == FamilyRole.HEAD_OF_FAMILY
            and kk in heads
            and heads[kk] != nik
            and heads[kk] not in file_niks
        ):
            parsed.errors.append(
                RowError(
                    row.row,
                    "shdk",
                    _("This household already has another head of family in the register."),
                )
            )
    return existing


def _insert(model: type[Resident] | type[LifeEvent], rows: list[Any]) -> None:
    """Insert new rows (their ids are not set). On PostgreSQL with COPY: Django's bulk_create
    spends most of a 100,000-row import building the INSERT statement in Python."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows)
        return
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    table = model._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(  # psycopg 3
            f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # names from the model
        ) as copy,
    ):
        for row in rows:
            copy.write_row([getattr(row, name) for name in attnames])


def _set_heads(pairs: list[tuple[int, int | None]]) -> None:
    """Set many households' heads; on PostgreSQL one UPDATE … FROM (VALUES …) per batch
    instead of bulk_update's CASE WHEN per row."""
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start : start + BATCH]
        if connection.vendor != "postgresql":
            Household.objects.bulk_update(
                [Household(pk=pk, head_id=head) for pk, head in batch], ["head"]
            )
            continue
        values = ", ".join(["(%s, %s::bigint)"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE population_household AS h SET head_id = v.head "  # noqa: S608
                f"FROM (VALUES {values}) AS v(id, head) WHERE h.id = v.id",
                [x for pair in batch for x in pair],
            )


def resident_import(
    *,
    actor: Any,
    village: Region | str,
    data: bytes,
    phase: PhaseFn | None = None,
) -> ImportResult:
    """Validate every row, then import in one transaction. Raises ImportRefused (with all
    errors by row and column) or FileRefused; on any error nothing is written.

    ``phase(name, done, total)`` reports progress: "validating", then "saving"."""
    village = _village(village)
    require_edit(actor, village.code)

    def report(name: str) -> Callable[[int, int], None]:
        return lambda done, total: phase(name, done, total) if phase else None

    parsed = parse_file(data, progress=report("validating"))
    existing = _check_against_register(parsed, village) if parsed.rows else {}
    if parsed.errors:
        parsed.errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRefused(parsed.errors, len(parsed.errors))
    with transaction.atomic():
        # One import per village at a time; concurrent registrations hit the NIK index.
        Region.objects.select_for_update().filter(code=village.code).first()
        result = _write(actor, village, parsed, existing, report("saving"))
        mark_stale([village.code])
        audit.record(
            actor,
            "population.resident_import",
            village,
            {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "households_created": result.households_created,
            },
        )
    return result


def _write(
    actor: Any,
    village: Region,
    parsed: ParsedFile,
    existing: dict[str, Resident],
    progress: Callable[[int, int], None],
) -> ImportResult:
    now = timezone.now()
    today = timezone.localdate()
    rows = [r.values for r in parsed.rows]
    total = len(rows)
    # Households: the head's row (or the first row) gives the household's address.
    household_values: dict[str, dict[str, Any]] = {}
    for values in rows:
        kk = values["kk_number"]
        if kk not in household_values or values["family_role"] == FamilyRole.HEAD_OF_FAMILY:
            household_values[kk] = {f: values[f] for f in HOUSEHOLD_FIELDS}
    households: dict[str, Household] = {}
    kks = sorted(household_values)
    for start in range(0, len(kks), BATCH):
        for household in Household.objects.filter(kk_number__in=kks[start : start + BATCH]):
            households[household.kk_number] = household
    to_update_households = []
    for kk, place in household_values.items():
        found = households.get(kk)
        if found is not None and any(getattr(found, f) != v for f, v in place.items()):
            for f, v in place.items():
                setattr(found, f, v)
            found.updated_at = now
            to_update_households.append(found)
    new_households = [
        Household(kk_number=kk, village=village, created_at=now, updated_at=now, **place)
        for kk, place in household_values.items()
        if kk not in households
    ]
    Household.objects.bulk_create(new_households, batch_size=BATCH)
    if to_update_households:
        Household.objects.bulk_update(
            to_update_households, [*HOUSEHOLD_FIELDS, "updated_at"], batch_size=BATCH
        )
    if any(h.pk is None for h in new_households):  # backends that return no ids
        for household in Household.objects.filter(
            kk_number__in=[h.kk_number for h in new_households]
        ):
            households[household.kk_number] = household
    else:
        households.update({h.kk_number: h for h in new_households})

    new_residents: list[Resident] = []
    changed: list[Resident] = []
    former_heads: set[int] = set()
    unchanged = 0
    for values in rows:
        household = households[values["kk_number"]]
        current = existing.get(values["nik"])
        if current is None:
            new_residents.append(
                Resident(
                    nik=values["nik"],
                    village=village,
                    household=household,
                    name_search=normalise_name(values["full_name"]),
                    status=ResidentStatus.ALIVE,
                    created_at=now,
                    updated_at=now,
                    **{f: values[f] for f in RESIDENT_IMPORT_FIELDS},
                )
            )
            continue
        differs = current.household_id != household.pk or any(
            getattr(current, f) != values[f] for f in RESIDENT_IMPORT_FIELDS
        )
        if not differs:
            unchanged += 1
            continue
        if current.family_role == FamilyRole.HEAD_OF_FAMILY and (
            values["family_role"] != FamilyRole.HEAD_OF_FAMILY
            or current.household_id != household.pk
        ):
            former_heads.add(current.pk)
        for f in RESIDENT_IMPORT_FIELDS:
            setattr(current, f, values[f])
        current.household = household
        current.name_search = normalise_name(current.full_name)
        current.updated_at = now
        changed.append(current)
    done = 0
    for start in range(0, len(new_residents), BATCH):
        batch = new_residents[start : start + BATCH]
        _insert(Resident, batch)
        done += len(batch)
        progress(done, total)
    if new_residents and new_residents[0].pk is None:
        by_nik = dict(
            Resident.objects.filter(village=village, status=ResidentStatus.ALIVE).values_list(
                "nik", "id"
            )
        )
        for resident in new_residents:
            resident.pk = by_nik[resident.nik]
    update_fields = [*RESIDENT_IMPORT_FIELDS, "household", "name_search", "updated_at"]
    for start in range(0, len(changed), BATCH):
        batch = changed[start : start + BATCH]
        Resident.objects.bulk_update(batch, update_fields)
        done += len(batch)
        progress(done, total)
    progress(total, total)
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    events = [
        LifeEvent(
            kind=LifeEventKind.REGISTERED,
            resident_id=r.pk,
            village=village,
            occurred_on=today,
            recorded_by=recorder,
            recorded_at=now,
        )
        for r in new_residents
    ]
    for start in range(0, len(events), BATCH):
        _insert(LifeEvent, events[start : start + BATCH])
    # Heads of family: the file's SHDK-1 rows; a head who left the household or the role
    # stops heading it.
    kk_of_household = {h.pk: kk for kk, h in households.items()}
    head_of: dict[str, int] = {}
    for resident in [*new_residents, *changed]:
        kk = kk_of_household.get(resident.household_id or 0)
        if kk is not None and resident.family_role == FamilyRole.HEAD_OF_FAMILY:
            head_of[kk] = resident.pk
    changed_ids = {r.pk for r in changed}
    for resident in existing.values():
        if resident.pk not in changed_ids and resident.family_role == FamilyRole.HEAD_OF_FAMILY:
            kk = kk_of_household.get(resident.household_id or 0)
            if kk is not None:
                head_of.setdefault(kk, resident.pk)
    heads_to_set = []
    for household in households.values():
        wanted = head_of.get(household.kk_number)
        if wanted is None and household.head_id in former_heads:
            wanted_or_none: int | None = None
        elif wanted is not None:
            wanted_or_none = wanted
        else:
            continue
        if household.head_id != wanted_or_none:
            household.head_id = wanted_or_none
            heads_to_set.append(household)
    _set_heads([(h.pk, h.head_id) for h in heads_to_set])
    return ImportResult(
        rows=total,
        created=len(new_residents),
        updated=len(changed),
        unchanged=unchanged,
        households_created=len(new_households),
    )
