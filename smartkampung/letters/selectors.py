"""Letter reads. Official reads take the actor and are scoped; ``aggregate_*`` functions return
counts and durations only (no personal data), for the regency view, dashboards and the portal.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import Role, actor_grants, scope_codes, scope_q
from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level, Region

from .models import CertificateAuthority, Letter, LetterType, SignerCertificate
from .permissions import (
    OVERVIEW_ROLES,
    VILLAGE_LETTER_STAFF,
    regency_code_of,
)

# --- catalogue --------------------------------------------------------------------------------


def actor_regency_code(actor: Any) -> str | None:
    """The regency the actor works or lives in (their first grant's), if any."""
    for grant in actor_grants(actor):
        return regency_code_of(grant.scope)
    return None


def default_regency_code() -> str | None:
    """The regency, when the installation serves exactly one (public pages need no login)."""
    codes = list(Region.objects.filter(level=Level.REGENCY).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else None


def regency_exists(*, regency_code: str) -> bool:
    return Region.objects.filter(code=regency_code, level=Level.REGENCY).exists()


def letter_type_list(*, regency_code: str, include_inactive: bool = False) -> QuerySet[LetterType]:
    """A regency's catalogue (public information: what letters its villages issue)."""
    from .services.catalogue import letter_types_ensure

    letter_types_ensure(regency_code=regency_code)
    qs = LetterType.objects.filter(regency_id=regency_code)
    return qs if include_inactive else qs.filter(is_active=True)


def letter_type_get(*, regency_code: str, code: str, include_inactive: bool = False) -> LetterType:
    letter_type = (
        letter_type_list(regency_code=regency_code, include_inactive=include_inactive)
        .filter(code=code)
        .first()
    )
    if letter_type is None:
        raise NotFound(_("Not found."))
    return letter_type


# --- letters ----------------------------------------------------------------------------------


def letter_for_token(*, token: str) -> Letter | None:
    """The letter a QR code points at (public verification), or None."""
    if not token or len(token) > 64:
        return None
    return Letter.objects.select_related("letter_type", "village").filter(token=token).first()


def letter_list_for_staff(*, actor: Any, village_code: str | None = None) -> QuerySet[Letter]:
    qs = Letter.objects.filter(scope_q(actor, VILLAGE_LETTER_STAFF)).select_related(
        "letter_type", "village"
    )
    if village_code:
        qs = qs.filter(village_id=village_code)
    return qs


def letter_get_for_staff(*, actor: Any, letter_id: int) -> Letter:
    letter = letter_list_for_staff(actor=actor).filter(pk=letter_id).first()
    if letter is None:
        raise NotFound(_("Not found."))
    return letter


# --- certificates -----------------------------------------------------------------------------


def authority_list(*, actor: Any) -> QuerySet[CertificateAuthority]:
    regencies = {regency_code_of(code) for code in scope_codes(actor, {Role.REGENCY_OFFICER})}
    return CertificateAuthority.objects.filter(regency_id__in=regencies)


def signer_certificate_list(*, actor: Any) -> QuerySet[SignerCertificate]:
    return (
        SignerCertificate.objects.filter(scope_q(actor, {Role.REGENCY_OFFICER}))
        .select_related("village", "user")
        .order_by("village_id", "-created_at")
    )


# --- aggregates (no personal data) ------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def _letters_in(region_code: str, year: int) -> QuerySet[Letter]:
    start, end = _year_bounds(year)
    return Letter.objects.filter(
        Q(village_id=region_code) | Q(village__pk__startswith=region_code + "."),
        issued_at__gte=start,
        issued_at__lt=end,
    )


def aggregate_letters_by_village(*, region_code: str, year: int) -> list[dict[str, Any]]:
    """Letters issued per village below ``region_code`` in ``year`` (villages with none: 0)."""
    counts = dict(
        _letters_in(region_code, year)
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    villages = Region.objects.filter(
        Q(code__startswith=region_code + ".") | Q(code=region_code), level=Level.VILLAGE
    ).values_list("code", "name")
    return [{"code": code, "name": name, "count": counts.get(code, 0)} for code, name in villages]


def aggregate_letters_by_district(*, region_code: str, year: int) -> list[dict[str, Any]]:
    """Letters issued per kecamatan below ``region_code`` (a regency) in ``year``."""
    per_district: dict[str, int] = defaultdict(int)
    for row in aggregate_letters_by_village(region_code=region_code, year=year):
        per_district[row["code"].rsplit(".", 1)[0]] += row["count"]
    districts = Region.objects.filter(
        code__startswith=region_code + ".", level=Level.DISTRICT
    ).values_list("code", "name")
    return [
        {"code": code, "name": name, "count": per_district.get(code, 0)} for code, name in districts
    ]


def aggregate_letters_by_type(*, region_code: str, year: int) -> list[dict[str, Any]]:
    """Letters issued per type, with the median time to issue against the type's target."""
    durations: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    rows = _letters_in(region_code, year).values_list("letter_type_id", "issue_seconds")
    for type_id, seconds in rows.iterator(chunk_size=5000):
        counts[type_id] += 1
        if seconds is not None:
            durations[type_id].append(seconds)
    result = []
    for letter_type in LetterType.objects.filter(regency_id=regency_code_of(region_code)):
        values = durations.get(letter_type.pk, [])
        median = statistics.median(values) / 60 if values else None
        result.append(
            {
                "code": letter_type.code,
                "title": letter_type.title,
                "count": counts.get(letter_type.pk, 0),
                "median_minutes": round(median, 1) if median is not None else None,
                "target_minutes": letter_type.target_minutes,
                "within_target": (median <= letter_type.target_minutes)
                if median is not None
                else None,
                "measured": len(values),
            }
        )
    return result


@dataclass(frozen=True)
class OverviewScope:
    region: Region
    year: int


def overview_scope(*, actor: Any, region_code: str | None, year: int | None) -> OverviewScope:
    """The region the actor may see aggregates for (404 outside their scope)."""
    codes = scope_codes(actor, OVERVIEW_ROLES)
    if not codes:
        raise NotFound(_("Not found."))
    code = region_code or codes[0]
    if not any(code == c or code.startswith(c + ".") for c in codes):
        raise NotFound(_("Not found."))
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_("Not found."))
    return OverviewScope(region=region, year=year or timezone.localdate().year)


def authority_exists(*, regency_code: str) -> bool:
    return CertificateAuthority.objects.filter(regency_id=regency_code).exists()


SPM_CODE = "spm"


def spm_issued_list(*, actor: Any, region_code: str, year: int) -> QuerySet[Letter]:
    """Signed SPM letters of a region and year (for the health office), newest first."""
    overview_scope(actor=actor, region_code=region_code, year=year)
    return (
        _letters_in(region_code, year)
        .filter(letter_type__code=SPM_CODE, signed_at__isnull=False)
        .select_related("village")
        .order_by("-issued_at", "-pk")
    )


def letter_get_for_download(*, actor: Any, letter_id: int) -> Letter:
    """A letter whose PDF the actor may download: village staff of its village."""
    return letter_get_for_staff(actor=actor, letter_id=letter_id)


def letters_awaiting_signature() -> list[int]:
    """IDs of numbered letters without a signed PDF (system use: the retry command)."""
    return list(
        Letter.objects.filter(signed_at__isnull=True, revoked_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
