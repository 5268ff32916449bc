"""Letter reads. Official reads take the actor and are scoped; ``aggregate_*`` functions return
counts and durations only (no personal data), for the regency view, dashboards and the portal.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import (
    Role,
    actor_grants,
    has_role,
    has_role_anywhere,
    scope_codes,
    scope_q,
)
from smartkampung.core.exceptions import NotFound
from smartkampung.regions.models import Level, Region

from .models import (
    OPEN_STATUSES,
    Attachment,
    CertificateAuthority,
    Letter,
    LetterRequest,
    LetterType,
    Notification,
    RequestStatus,
    SignerCertificate,
    VillageOfficial,
)
from .permissions import (
    OVERVIEW_ROLES,
    SPM_LIST_ROLES,
    VILLAGE_LETTER_STAFF,
    can_keep_officials,
    can_view_request,
    can_view_village_letters,
    is_applicant,
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


def overview_scope(
    *, actor: Any, region_code: str | None, year: int | None, roles: Any = OVERVIEW_ROLES
) -> OverviewScope:
    """The region the actor may see aggregates for (404 outside their scope)."""
    codes = scope_codes(actor, roles)
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


def authority_public_list() -> QuerySet[CertificateAuthority]:
    """The regency CAs, for the public "how to trust" page: public certificates only (the
    queryset defers the encrypted keys)."""
    return (
        CertificateAuthority.objects.select_related("regency")
        .defer("key_encrypted", "tsa_key_encrypted")
        .order_by("regency_id")
    )


SPM_CODE = "spm"


def spm_issued_list(*, actor: Any, region_code: str, year: int) -> QuerySet[Letter]:
    """Signed SPM letters of a region and year (for the health office), newest first."""
    overview_scope(actor=actor, region_code=region_code, year=year, roles=SPM_LIST_ROLES)
    return (
        _letters_in(region_code, year)
        .filter(letter_type__code=SPM_CODE, signed_at__isnull=False)
        .select_related("village")
        .order_by("-issued_at", "-pk")
    )


def letter_get_for_download(*, actor: Any, letter_id: int) -> Letter:
    """A letter whose PDF the actor may download: village staff of its village, or the
    applicant of the request it was issued for."""
    letter = (
        Letter.objects.select_related("letter_type", "village", "request")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        raise NotFound(_("Not found."))
    staff = letter_list_for_staff(actor=actor).filter(pk=letter_id).exists()
    applicant = letter.request is not None and is_applicant(actor, letter.request)
    if not (staff or applicant):
        raise NotFound(_("Not found."))
    return letter


def letters_awaiting_signature() -> list[int]:
    """IDs of numbered letters without a signed PDF (system use: the retry command)."""
    return list(
        Letter.objects.filter(signed_at__isnull=True, revoked_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- requests ---------------------------------------------------------------------------------


def request_subjects_for_citizen(*, actor: Any) -> list[Any]:
    """The residents a citizen may request letters for: themselves and their household's
    members (living or not: a death certificate is requested by the family)."""
    from smartkampung.population.models import Resident
    from smartkampung.population.selectors import resident_for_citizen

    own = resident_for_citizen(user=actor)
    if own is None or not has_role(actor, {Role.CITIZEN}, own.village_id):
        return []
    if own.household_id is None:
        return [own]
    members = list(
        Resident.objects.filter(household_id=own.household_id)
        .exclude(status="moved_away")
        .select_related("village")
        .order_by("family_role", "birth_date")
    )
    return [own, *[m for m in members if m.pk != own.pk]]


def letter_request_list_for_applicant(*, actor: Any) -> QuerySet[LetterRequest]:
    """The requests a citizen follows (about themselves or asked for their household); the
    staff member who typed a request in at the counter does not follow it."""
    if not getattr(actor, "is_authenticated", False) or not has_role_anywhere(
        actor, {Role.CITIZEN}
    ):
        return LetterRequest.objects.none()
    return (
        LetterRequest.objects.filter(applicant=actor)
        .select_related("letter_type", "resident", "letter")
        .order_by("-created_at", "-pk")
    )


def letter_request_queue(
    *,
    actor: Any,
    status: str | None = None,
    village_code: str | None = None,
    open_only: bool = False,
) -> QuerySet[LetterRequest]:
    """The village office's requests (village staff in scope), oldest waiting first; a
    citizen's drafts stay private until sent. ``open_only``: those the office must act on."""
    qs = LetterRequest.objects.filter(scope_q(actor, VILLAGE_LETTER_STAFF)).exclude(
        status=RequestStatus.DRAFT, channel="online"
    )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if village_code:
        qs = qs.filter(village_id=village_code)
    return qs.select_related("letter_type", "resident", "village", "letter").order_by(
        F("submitted_at").asc(nulls_last=True), "pk"
    )


def letter_request_get(*, actor: Any, request_id: int) -> LetterRequest:
    """One request, for its applicant or the staff of its village; 404 otherwise."""
    request = (
        LetterRequest.objects.select_related("letter_type", "resident", "village", "letter")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not can_view_request(actor, request):
        raise NotFound(_("Not found."))
    return request


def attachment_get(*, actor: Any, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("request").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Not found."))
    letter_request_get(actor=actor, request_id=attachment.request_id)
    return attachment


def aggregate_backlog(*, region_code: str) -> dict[str, Any]:
    """Requests the village offices still have to act on below ``region_code`` (counts only)."""
    qs = LetterRequest.objects.filter(
        Q(village_id=region_code) | Q(village__pk__startswith=region_code + "."),
        status__in=[*OPEN_STATUSES, RequestStatus.RETURNED],
    )
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    oldest = (
        qs.filter(status__in=OPEN_STATUSES, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return {
        "open": sum(counts.get(s, 0) for s in OPEN_STATUSES),
        "submitted": counts.get(RequestStatus.SUBMITTED, 0),
        "returned": counts.get(RequestStatus.RETURNED, 0),
        "verified": counts.get(RequestStatus.VERIFIED, 0),
        "oldest_hours": round((timezone.now() - oldest).total_seconds() / 3600, 1)
        if oldest
        else None,
    }


# --- notifications ----------------------------------------------------------------------------


def notification_list(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own notifications, newest first."""
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user_id=actor.pk)
    return qs.filter(read_at__isnull=True) if unread_only else qs


# --- the village's officials (ADR 0118) --------------------------------------------------------


def village_official_list(*, actor: Any, village_code: str) -> QuerySet[VillageOfficial]:
    """The village's officials, for its staff and the regency; NotFound for anyone else."""
    if not (
        can_view_village_letters(actor, village_code) or can_keep_officials(actor, village_code)
    ):
        raise NotFound(_("Not found."))
    return VillageOfficial.objects.filter(village_id=village_code).select_related("user")


def signing_official(*, village_code: str, user: Any) -> VillageOfficial | None:
    """The village's entry for the account that signs, if it keeps one (used while issuing:
    the signer's right to sign was checked by the caller)."""
    if getattr(user, "pk", None) is None:
        return None
    return VillageOfficial.objects.filter(
        village_id=village_code, user_id=user.pk, is_active=True
    ).first()
