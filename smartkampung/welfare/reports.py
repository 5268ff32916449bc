"""Regency reports over enrolments and the register — aggregates first, names never.

Recipients per programme, village and kecamatan; the overlap matrix between programmes (how
many households receive both); exclusion errors (poorest-decile households receiving nothing)
and inclusion errors (households above a programme's ceiling, or outside the register, that
receive it). Scoped: the social office and regency officers (``REPORT_ROLES``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import has_role, has_role_anywhere, scope_codes, scope_q
from smartkampung.core.exceptions import NotFound

from .models import AidProgramme, Enrolment, EnrolmentStatus, RegisterEntry
from .permissions import REPORT_ROLES

# A Kemendagri code: regency 35.10, kecamatan 35.10.01, village 35.10.01.2001.
REGION_CODE = re.compile(r"\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?")


def _require(actor: Any) -> None:
    if not has_role_anywhere(actor, REPORT_ROLES):
        raise NotFound(_("Not found."))


def _scope(actor: Any, region: str | None) -> tuple[Q, list[str]]:
    """The villages a report covers: the actor's scope, or one region inside it (a kecamatan
    from the regency dashboard). NotFound for actors without the role or a region outside
    their scope (a malformed code included)."""
    _require(actor)
    if not region:
        return scope_q(actor, REPORT_ROLES), scope_codes(actor, REPORT_ROLES)
    if not REGION_CODE.fullmatch(region) or not has_role(actor, REPORT_ROLES, region):
        raise NotFound(_("Not found."))
    return Q(village__pk=region) | Q(village__pk__startswith=region + "."), [region]


def exclusion_decile() -> int:
    return int(getattr(settings, "SK_WELFARE_EXCLUSION_DECILE", 2))


def recipient_rows(*, where: Q, period: str) -> list[dict[str, Any]]:
    """[{programme, village, village_name, district_name, n}] for active enrolments of the
    villages ``where`` selects (one query; shared by the report and the regency dashboard)."""
    return list(
        Enrolment.objects.filter(where, period=period, status=EnrolmentStatus.ACTIVE)
        .values("programme__code", "village_id", "village__name", "village__parent__name")
        .annotate(n=Count("pk"))
        .order_by("programme__code", "village_id")
    )


def recipients(*, actor: Any, period: str, region: str | None = None) -> list[dict[str, Any]]:
    """[{programme, village, village_name, district_name, n}] for active enrolments."""
    where, _codes = _scope(actor, region)
    return recipient_rows(where=where, period=period)


@dataclass
class Overlap:
    codes: list[str]
    totals: dict[str, int]
    pairs: dict[tuple[str, str], int]

    def rows(self) -> list[tuple[str, list[int]]]:
        return [(a, [self.pairs.get((a, b), 0) for b in self.codes]) for a in self.codes]


def programme_bits() -> list[tuple[int, str]]:
    """(pk, code) of the programmes that the overlap masks can hold (62 bits)."""
    return list(AidProgramme.objects.order_by("code").values_list("pk", "code"))[:62]


def overlap_masks(
    *, scope: list[str], period: str, programmes: list[tuple[int, str]]
) -> list[tuple[str, frozenset[str], int]]:
    """(village code, programmes held, households) for the period's active enrolments of
    the villages under the region codes ``scope``.

    One pass over the period's enrolments (index ``enrol_period``): each household's set of
    programmes becomes a bit mask in SQL, the database counts households per village and
    mask (a few distinct masks per village) — no self-join."""
    bit = {pk: 1 << i for i, (pk, _code) in enumerate(programmes)}
    code_of_bit = {1 << i: code for i, (_pk, code) in enumerate(programmes)}
    if not bit:
        return []
    table = Enrolment._meta.db_table
    cases = " ".join("WHEN %s THEN %s" for _pk in bit)
    params: list[Any] = [v for pk, b in bit.items() for v in (pk, b)] + [period]
    scope_sql = []
    for code in scope:
        scope_sql.append("village_id = %s OR village_id LIKE %s")
        params += [code, code + ".%"]
    where_scope = " OR ".join(scope_sql) or "1 = 0"
    # The table name is the model's and every value is a parameter.
    sql = (
        "SELECT village_id, mask, COUNT(*) FROM ("  # noqa: S608
        f"SELECT household_id, MIN(village_id) AS village_id, "
        f"SUM(DISTINCT CASE programme_id {cases} ELSE 0 END) AS mask "
        f"FROM {table} WHERE period = %s AND status = 'active' AND ({where_scope}) "
        "GROUP BY household_id) AS households GROUP BY village_id, mask"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (str(village), frozenset(c for b, c in code_of_bit.items() if int(mask) & b), int(n))
        for village, mask, n in rows
    ]


def overlap_pairs(masks: Any) -> dict[tuple[str, str], int]:
    """Households holding both A and B (the diagonal: A) from ``overlap_masks`` rows."""
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for _village, held, n in masks:
        for a in held:
            for b in held:
                pairs[(a, b)] += n
    return dict(pairs)


def overlap_matrix(*, actor: Any, period: str, region: str | None = None) -> Overlap:
    """Households enrolled in both programmes A and B in ``period`` (diagonal: in A)."""
    _where, codes = _scope(actor, region)
    programmes = programme_bits()
    pairs = overlap_pairs(overlap_masks(scope=codes, period=period, programmes=programmes))
    codes = sorted({a for a, _b in pairs}) or [code for _pk, code in programmes]
    return Overlap(codes=codes, totals={c: pairs.get((c, c), 0) for c in codes}, pairs=pairs)


def exclusion_errors(
    *, actor: Any, period: str, region: str | None = None
) -> QuerySet[RegisterEntry]:
    """Current register households of the poorest deciles (``SK_WELFARE_EXCLUSION_DECILE``)
    enrolled in no programme in ``period``."""
    where, _codes = _scope(actor, region)
    return exclusion_qs(where=where, period=period)


def exclusion_qs(*, where: Q, period: str) -> QuerySet[RegisterEntry]:
    """Exclusion errors of the villages ``where`` selects (no actor: callers check)."""
    enrolled = Enrolment.objects.filter(
        household_id=OuterRef("household_id"), period=period, status=EnrolmentStatus.ACTIVE
    )
    return (
        RegisterEntry.objects.filter(where, valid_to__isnull=True, decile__lte=exclusion_decile())
        .filter(~Exists(enrolled))
        .select_related("village", "household")
        .order_by("village_id", "decile", "pk")
    )


def inclusion_errors(*, actor: Any, period: str, region: str | None = None) -> QuerySet[Enrolment]:
    """Active enrolments of programmes with a decile ceiling whose household is above the
    ceiling or not in the register now."""
    where, _codes = _scope(actor, region)
    return inclusion_qs(where=where, period=period)


def inclusion_qs(*, where: Q, period: str) -> QuerySet[Enrolment]:
    """Inclusion errors of the villages ``where`` selects (no actor: callers check)."""
    within = RegisterEntry.objects.filter(
        household_id=OuterRef("household_id"),
        valid_to__isnull=True,
        decile__lte=OuterRef("programme__decile_max"),
    )
    return (
        Enrolment.objects.filter(
            where,
            period=period,
            status=EnrolmentStatus.ACTIVE,
            programme__decile_max__isnull=False,
        )
        .filter(~Exists(within))
        .select_related("programme", "village", "household")
        .order_by("village_id", "programme__code", "pk")
    )


def error_count_rows(*, where: Q, period: str) -> list[dict[str, Any]]:
    """Exclusion and inclusion errors per village of ``where`` (no names; two queries)."""
    counts: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"village": "", "name": "", "exclusion": 0, "inclusion": 0}
    )
    for key, qs in (
        ("exclusion", exclusion_qs(where=where, period=period)),
        ("inclusion", inclusion_qs(where=where, period=period)),
    ):
        for row in qs.order_by().values("village_id", "village__name").annotate(n=Count("pk")):
            c = counts[row["village_id"]]
            c.update({"village": row["village_id"], "name": row["village__name"], key: row["n"]})
    return sorted(counts.values(), key=lambda c: c["village"])


def error_counts(*, actor: Any, period: str, region: str | None = None) -> list[dict[str, Any]]:
    """Exclusion and inclusion errors per village (no names)."""
    where, _codes = _scope(actor, region)
    return error_count_rows(where=where, period=period)


def public_recipient_counts(*, village_code: str, period: str) -> dict[str, int]:
    """Recipients per programme of one village (actor-free aggregate for the portal, which
    applies its small-cell suppression before showing them)."""
    return dict(
        Enrolment.objects.filter(
            Q(village_id=village_code), period=period, status=EnrolmentStatus.ACTIVE
        )
        .values_list("programme__code")
        .annotate(n=Count("pk"))
        .values_list("programme__code", "n")
    )
