"""From Siskeudes tables to an import plan for one village-year (see data/budgets/siskeudes/
SCHEMA.md for the tables, the code formats and what is uncertain).

- ``Kd_Desa`` of a village is ``<kecamatan segment>.<village segment>.`` (``01.2001.`` for
  35.10.01.2001). Rows of other villages in the same database are ignored and reported.
- Only the 2.0 structure (Permendagri 20/2018, budgets from 2019/2020) is mapped: 1.x exports use
  another chart of accounts (SCHEMA.md §5) and are refused.
- Budget lines come from ``Ta_RABRinci`` (account 4 → revenue, 5 → items under their activity,
  6 → financing), activities from ``Ta_Kegiatan``. The revised figures (``…PAK``) are used when
  present, else the original ones.
- Realisation tables (SPP, SPJ, TBP, Pencairan) are counted in the report but not imported: here
  money moves only through requests the village head approves (docs/adr/0022).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ..models import Account, AccountLevel, Activity, FundSource, UnitPriceStandard
from ..models.reference import regency_of
from .errors import SiskeudesRefused
from .reader import LINE_KEY, Export, Table
from .report import report_ignored, report_rab_without_detail, report_realisation
from .values import money, parse_number, value

ACTIVITY_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
KD_DESA_V2 = re.compile(r"^\d{2}\.\d{4}\.$")
KD_DESA_V1 = re.compile(r"^\d{2}\.\d{2}\.$")
INCOME_ACTIVITY = "00.00.00"


def kd_desa_for(village_code: str) -> str:
    """``35.10.01.2001`` → ``01.2001.`` (SCHEMA.md §2)."""
    parts = village_code.split(".")
    return f"{parts[2]}.{parts[3]}."


@dataclass
class PlannedActivity:
    code: str
    name: str = ""
    location: str = ""
    output: str = ""
    output_volume: Decimal = Decimal("0")
    output_unit: str = ""
    duration: str = ""


@dataclass
class PlannedItem:
    activity_code: str
    account_code: str | None
    description: str
    volume: Decimal
    unit: str
    unit_price: Decimal
    fund_source: str | None
    ssh_id: int | None
    key: str  # Siskeudes key, for a stable lineage across re-imports


@dataclass
class PlannedLine:
    account_code: str
    fund_source: str | None
    description: str
    amount: Decimal
    key: str


@dataclass
class ImportPlan:
    year: int
    kd_desa: str
    village_code: str
    version_string: str = ""
    activities: dict[str, PlannedActivity] = field(default_factory=dict)
    items: list[PlannedItem] = field(default_factory=list)
    revenues: list[PlannedLine] = field(default_factory=list)
    financing: list[PlannedLine] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_imported: list[dict[str, str]] = field(default_factory=list)
    skipped_activities: set[str] = field(default_factory=set)

    def skip(self, table: str, row: dict[str, str], reason: str, amount: Any = None) -> None:
        self.unmapped.append(
            {
                "table": table,
                "line": row.get(LINE_KEY, ""),
                "reason": reason,
                "amount": "" if amount is None else str(money(Decimal(amount))),
            }
        )


def _check_version(export: Export) -> str:
    version = ""
    ref_version = export.get("Ref_Version")
    if ref_version is not None and ref_version.rows:
        version = value(ref_version.rows[0], "Versi")
    if version.upper().startswith("V1"):
        raise SiskeudesRefused(
            _(
                "This export comes from Siskeudes %(version)s (Permendagri 113/2014), whose chart "
                "of accounts differs from Permendagri 20/2018. Export from Siskeudes 2.0 or later."
            )
            % {"version": version},
            code="siskeudes_v1",
        )
    return version


def _village_rows(
    table: Table | None, kd_desa: str, others: set[str], *, v1_seen: list[str]
) -> list[dict[str, str]]:
    if table is None:
        return []
    rows = []
    for row in table.rows:
        code = value(row, "Kd_Desa")
        if code == kd_desa:
            rows.append(row)
        elif code:
            if KD_DESA_V1.match(code):
                v1_seen.append(code)
            others.add(code)
    return rows


def _village_names(export: Export) -> dict[str, str]:
    table = export.get("Ref_Desa")
    if table is None:
        return {}
    return {value(r, "Kd_Desa"): value(r, "Nama_Desa") for r in table.rows}


def plan_import(
    export: Export, *, village_code: str, village_name: str, year: int | None
) -> ImportPlan:
    """Map the export to a plan, or refuse (wrong village, year mismatch, 1.x, no budget)."""
    version = _check_version(export)
    kd_desa = kd_desa_for(village_code)
    pemda = export.get("Ta_Pemda")
    if pemda is not None and pemda.rows:
        province, regency = value(pemda.rows[0], "Kd_Prov"), value(pemda.rows[0], "Kd_Kab")
        expected = village_code.split(".")[:2]
        if province and regency and [province.strip("."), regency.strip(".")] != expected:
            raise SiskeudesRefused(
                _("This export belongs to regency %(found)s, not to %(expected)s: wrong village.")
                % {"found": f"{province}.{regency}", "expected": ".".join(expected)},
                code="wrong_village",
            )
    rinci_table = export.get("Ta_RABRinci")
    activity_table = export.get("Ta_Kegiatan")
    if rinci_table is None:
        raise SiskeudesRefused(
            _("Ta_RABRinci.csv (the budget detail lines) is missing from the ZIP archive."),
            code="missing_table",
        )
    missing = [
        c
        for c in ("Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "SumberDana", "Uraian")
        if not rinci_table.has(c)
    ]
    if missing:
        raise SiskeudesRefused(
            _("Ta_RABRinci.csv lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)},
            code="missing_column",
        )
    others: set[str] = set()
    v1_seen: list[str] = []
    rinci = _village_rows(rinci_table, kd_desa, others, v1_seen=v1_seen)
    kegiatan = _village_rows(activity_table, kd_desa, others, v1_seen=v1_seen)
    rab = _village_rows(export.get("Ta_RAB"), kd_desa, others, v1_seen=v1_seen)
    if v1_seen and not rinci:
        raise SiskeudesRefused(
            _(
                "This export uses Siskeudes 1.x village codes (%(code)s); only Siskeudes 2.0 "
                "exports (Permendagri 20/2018) can be imported."
            )
            % {"code": v1_seen[0]},
            code="siskeudes_v1",
        )
    if not rinci:
        names = _village_names(export)
        found = ", ".join(
            f"{code} ({names[code]})" if names.get(code) else code for code in sorted(others)
        )
        raise SiskeudesRefused(
            _(
                "The export holds no budget lines for %(name)s (Kd_Desa %(kd)s) but for "
                "%(found)s: wrong village."
            )
            % {"name": village_name, "kd": kd_desa, "found": found or _("no village")},
            code="wrong_village",
        )
    years = {value(r, "Tahun") for r in rinci + kegiatan + rab}
    years.discard("")
    if len(years) != 1:
        raise SiskeudesRefused(
            _("The export mixes several years (%(years)s).") % {"years": ", ".join(sorted(years))},
            code="year_mismatch",
        )
    found_year = int(next(iter(years))) if next(iter(years)).isdigit() else 0
    if not 2015 <= found_year <= 2100:
        raise SiskeudesRefused(_("The export's year is not valid."), code="year_mismatch")
    if year is not None and found_year != year:
        raise SiskeudesRefused(
            _("The export is for %(found)s, not for %(expected)s: year mismatch.")
            % {"found": found_year, "expected": year},
            code="year_mismatch",
        )
    plan = ImportPlan(
        year=found_year, kd_desa=kd_desa, village_code=village_code, version_string=version
    )
    if others:
        plan.notes.append(
            _("Rows of other villages in the same database were ignored: %(codes)s.")
            % {"codes": ", ".join(sorted(others))}
        )
    _map_activities(plan, kegiatan, kd_desa)
    _map_lines(plan, rinci, kd_desa)
    report_rab_without_detail(plan, rab, rinci)
    report_realisation(plan, export, kd_desa)
    report_ignored(plan, export)
    return plan


def _activity_code(row: dict[str, str], kd_desa: str) -> str:
    code = value(row, "ID_Keg")
    if not code:
        kd_keg = value(row, "Kd_Keg")
        code = kd_keg[len(kd_desa) :] if kd_keg.startswith(kd_desa) else kd_keg
    return code.rstrip(".")


def _map_activities(plan: ImportPlan, rows: list[dict[str, str]], kd_desa: str) -> None:
    known = set(
        Activity.objects.usable_in(plan.village_code)
        .filter(active=True)
        .values_list("code", flat=True)
    )
    for row in rows:
        code = _activity_code(row, kd_desa)
        if not ACTIVITY_CODE.match(code) or code not in known:
            plan.skip(
                "Ta_Kegiatan",
                row,
                _(
                    "activity %(code)s “%(name)s” is not in the reference list (ask the regency "
                    "to add it); its lines were not imported"
                )
                % {"code": code, "name": value(row, "Nama_Kegiatan")},
            )
            plan.skipped_activities.add(code)
            continue
        try:
            volume = parse_number(value(row, "NilaiPAK", "Nilai")) or Decimal("0")
        except ValueError:
            volume = Decimal("0")
        plan.activities[code] = PlannedActivity(
            code=code,
            name=value(row, "Nama_Kegiatan"),
            location=value(row, "Lokasi")[:255],
            output=value(row, "Keluaran")[:255],
            output_volume=money(max(volume, Decimal("0"))),
            output_unit=value(row, "Satuan")[:40],
            duration=value(row, "Waktu")[:40],
        )


def _map_lines(plan: ImportPlan, rows: list[dict[str, str]], kd_desa: str) -> None:
    accounts = {
        a.code: a
        for a in Account.objects.usable_in(plan.village_code)
        .filter(level=AccountLevel.OBJEK, active=True)
        .only("code")
    }
    sources = set(
        FundSource.objects.usable_in(plan.village_code)
        .filter(active=True)
        .values_list("code", flat=True)
    )
    ssh = dict(
        UnitPriceStandard.objects.filter(
            year=plan.year, active=True, regency_id=regency_of(plan.village_code)
        ).values_list("code", "pk")
    )
    known_activities = set(
        Activity.objects.usable_in(plan.village_code)
        .filter(active=True)
        .values_list("code", flat=True)
    )
    for row in rows:
        kd_keg = value(row, "Kd_Keg")
        activity = (kd_keg[len(kd_desa) :] if kd_keg.startswith(kd_desa) else kd_keg).rstrip(".")
        account = value(row, "Kd_Rincian").rstrip(".")
        key = "|".join(
            (kd_keg, value(row, "Kd_Rincian"), value(row, "Kd_SubRinci"), value(row, "No_Urut"))
        )
        try:
            volume = parse_number(value(row, "JmlSatuanPAK", "JmlSatuan"))
            price = parse_number(value(row, "HrgSatuanPAK", "HrgSatuan"))
            stated = parse_number(value(row, "AnggaranStlhPAK", "Anggaran"))
        except ValueError as exc:
            plan.skip("Ta_RABRinci", row, _("not a number: %(value)s") % {"value": exc})
            continue
        if any(n is not None and n < 0 for n in (volume, price, stated)):
            plan.skip("Ta_RABRinci", row, _("negative amount"), stated)
            continue
        if volume is None or price is None:
            volume, price = Decimal("1"), stated or Decimal("0")
        amount = money(volume * price)
        if stated is not None and abs(money(stated) - amount) > Decimal("1"):
            plan.notes.append(
                _(
                    "Ta_RABRinci line %(line)s: volume × unit price = %(computed)s but the stated "
                    "budget is %(stated)s; volume × unit price was kept."
                )
                % {"line": row.get(LINE_KEY), "computed": amount, "stated": money(stated)}
            )
        source = value(row, "SumberDana", "Sumberdana").upper() or None
        if source is not None and source not in sources:
            plan.notes.append(
                _(
                    "Ta_RABRinci line %(line)s: unknown fund source %(code)s; the line was "
                    "imported without a fund source."
                )
                % {"line": row.get(LINE_KEY), "code": source}
            )
            source = None
        description = value(row, "Uraian")[:255]
        if account not in accounts:
            if account.startswith("5") and activity in plan.activities:
                plan.notes.append(
                    _(
                        "Ta_RABRinci line %(line)s: account %(code)s is not in the chart of "
                        "accounts; the item was imported without an account."
                    )
                    % {"line": row.get(LINE_KEY), "code": account}
                )
                account_code: str | None = None
            else:
                plan.skip(
                    "Ta_RABRinci",
                    row,
                    _("account %(code)s is not in the chart of accounts") % {"code": account},
                    amount,
                )
                continue
        else:
            account_code = account
        if account.startswith("4"):
            plan.revenues.append(PlannedLine(account, source, description, amount, key))
        elif account.startswith("6"):
            plan.financing.append(PlannedLine(account, source, description, amount, key))
        elif account.startswith("5"):
            if activity not in plan.activities:
                if activity in known_activities and ACTIVITY_CODE.match(activity):
                    # A line whose activity row is missing from Ta_Kegiatan: use the reference.
                    plan.activities[activity] = PlannedActivity(code=activity)
                    plan.notes.append(
                        _("Activity %(code)s has lines but no Ta_Kegiatan row; it was added.")
                        % {"code": activity}
                    )
                else:
                    reason = (
                        _("belongs to activity %(code)s, which was not imported")
                        if activity in plan.skipped_activities
                        else _("activity %(code)s is not in the reference list")
                    )
                    plan.skip("Ta_RABRinci", row, reason % {"code": activity}, amount)
                    continue
            sbu = value(row, "Kode_SBU")
            ssh_id = ssh.get(sbu) if sbu else None
            if sbu and ssh_id is None:
                plan.notes.append(
                    _(
                        "Ta_RABRinci line %(line)s: SSH code %(code)s is not in the regency's "
                        "SSH for %(year)s."
                    )
                    % {"line": row.get(LINE_KEY), "code": sbu, "year": plan.year}
                )
            plan.items.append(
                PlannedItem(
                    activity_code=activity,
                    account_code=account_code,
                    description=description,
                    volume=money(volume),
                    unit=value(row, "Satuan")[:40],
                    unit_price=money(price),
                    fund_source=source,
                    ssh_id=ssh_id,
                    key=key,
                )
            )
        else:
            plan.skip(
                "Ta_RABRinci",
                row,
                _("account %(code)s is not a budget account (4, 5 or 6)") % {"code": account},
                amount,
            )
