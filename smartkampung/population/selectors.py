"""Reads of the population register, always scoped to the acting user.

Public API for other apps (letters, portal, dashboards) — keep these signatures stable:
``resident_get``, ``resident_for_citizen``, ``resident_list``, ``household_get``,
``household_list``, ``life_event_list``, ``transfer_list``, ``transfer_get``,
``statistics_for`` and the actor-free aggregate ``population_statistics`` (re-exported from
``statistics``; no personal data).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import has_role, scope_q
from smartkampung.core.exceptions import NotFound, ValidationFailed
from smartkampung.regions.models import Region

from .identity import normalise_name
from .models import (
    ActivationCode,
    Household,
    ImportJob,
    LifeEvent,
    Resident,
    ResidentStatus,
    ResidentViewLog,
    TransferRequest,
)
from .permissions import (
    REGISTER_READ_ROLES,
    can_read_register,
    can_view_statistics,
    is_own_record,
)
from .statistics import PopulationStatistics, age_band_bounds, population_statistics

__all__ = [
    "ResidentFilters",
    "activation_code_latest",
    "household_get",
    "household_list",
    "import_job_get",
    "keyset_page",
    "life_event_list",
    "population_statistics",
    "resident_for_citizen",
    "resident_get",
    "resident_history",
    "resident_list",
    "resident_view_log",
    "statistics_for",
]

MAX_SEARCH_WORDS = 5
MIN_WORD = 3  # trigrams: a shorter word alone cannot use the index


def _village_code(village: Region | str | None) -> str | None:
    if village is None or village == "":
        return None
    return village.code if isinstance(village, Region) else str(village)


def _birth_date_range(age_min: int | None, age_max: int | None, today: date) -> Q:
    """Residents whose completed age lies in [age_min, age_max]."""
    q = Q()
    if age_min is not None:
        q &= Q(birth_date__lte=_years_before(today, age_min))
    if age_max is not None:
        # Younger than age_max + 1: born after the day age_max + 1 years ago.
        q &= Q(birth_date__gt=_years_before(today, age_max + 1))
    return q


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def search_q(search: str) -> Q:
    """Name (case- and accent-insensitive, partial words), NIK or KK number.

    Raises ValidationFailed for a number that is not 16 digits (masked numbers are not
    searchable by their visible parts)."""
    text = search.strip()[:100]
    compact = text.replace(" ", "").replace(".", "")
    if compact.isdigit():
        if len(compact) != 16:
            raise ValidationFailed(
                _("Enter all 16 digits of the NIK or KK number."), code="search_digits"
            )
        # The KK is resolved first, so that the OR combines two index lookups.
        households = list(Household.objects.filter(kk_number=compact).values_list("id", flat=True))
        return Q(nik=compact) | Q(household_id__in=households)
    words = normalise_name(text).split()[:MAX_SEARCH_WORDS]
    if not words:
        return Q()
    if max(len(w) for w in words) < MIN_WORD:
        raise ValidationFailed(
            _("Type at least %(n)d letters of a name.") % {"n": MIN_WORD}, code="search_short"
        )
    q = Q()
    for word in words:
        q &= Q(name_search__contains=word)
    return q


def is_name_search(search: str) -> bool:
    compact = search.strip().replace(" ", "").replace(".", "")
    return bool(compact) and not compact.isdigit()


def name_order(qs: QuerySet[Resident], *, searching: bool) -> QuerySet[Resident]:
    """Order by name. When searching by name, order by an expression that no index serves:
    PostgreSQL then finds the matches with the trigram index and sorts them, instead of
    walking the whole name index and filtering (seconds when the matches sort late, e.g.
    "siti" in 1.8 million names; ADR 0010). ``name_search`` is already lower case, so the
    order is the same."""
    if searching:
        return qs.order_by(Lower("name_search"), "id")
    return qs.order_by("name_search", "id")


class ResidentFilters:
    """Filters of the resident list, shared by the page, the API and the export."""

    def __init__(
        self,
        *,
        search: str = "",
        rt: str = "",
        rw: str = "",
        dusun: str = "",
        sex: int | None = None,
        age_band: str = "",
        age_min: int | None = None,
        age_max: int | None = None,
        status: str | None = ResidentStatus.ALIVE,
    ) -> None:
        self.search = search.strip()
        self.rt = rt.strip().zfill(3) if rt.strip() else ""
        self.rw = rw.strip().zfill(3) if rw.strip() else ""
        self.dusun = dusun.strip()
        self.sex = sex
        if age_band:
            age_min, age_max = age_band_bounds(age_band)
        self.age_min = age_min
        self.age_max = age_max
        self.status = status

    def apply(self, qs: QuerySet[Resident], *, today: date | None = None) -> QuerySet[Resident]:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.rt:
            qs = qs.filter(rt=self.rt)
        if self.rw:
            qs = qs.filter(rw=self.rw)
        if self.dusun:
            qs = qs.filter(dusun__iexact=self.dusun)
        if self.sex:
            qs = qs.filter(sex=self.sex)
        if self.age_min is not None or self.age_max is not None:
            qs = qs.filter(_birth_date_range(self.age_min, self.age_max, today or date.today()))
        if self.search:
            qs = qs.filter(search_q(self.search))
        return qs


def resident_list(
    *,
    actor: Any,
    village: Region | str | None = None,
    filters: ResidentFilters | None = None,
    roles: frozenset[str] = REGISTER_READ_ROLES,
) -> QuerySet[Resident]:
    """Residents the actor may see (default: living ones), ordered by name.

    ``village`` narrows to one village (NotFound if outside the actor's scope); otherwise the
    whole scope. The ordering (``name_search``, ``id``) is served by an index (ADR 0011)."""
    code = _village_code(village)
    qs = Resident.objects.filter(scope_q(actor, roles))
    if code is not None:
        if not has_role(actor, roles, code):
            raise NotFound(_("Village not found."))
        qs = qs.filter(village_id=code)
    filters = filters or ResidentFilters()
    return name_order(filters.apply(qs), searching=is_name_search(filters.search))


def resident_get(*, actor: Any, resident_id: int) -> Resident:
    """One resident, for an official whose scope covers them or for the citizen themself.

    Raises NotFound otherwise (never tells whether the resident exists)."""
    resident = (
        Resident.objects.select_related("village", "village__parent", "household")
        .filter(pk=resident_id)
        .first()
    )
    if resident is None or not (
        can_read_register(actor, resident.village_id) or is_own_record(actor, resident)
    ):
        raise NotFound(_("Resident not found."))
    return resident


def resident_for_citizen(*, user: Any) -> Resident | None:
    """The resident linked to this citizen login, or None. Check ``is_living`` before
    serving them (the record stays linked after death or moving away)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Resident.objects.select_related("village", "village__parent", "household")
        .filter(user_id=user.pk)
        .first()
    )


def household_list(
    *, actor: Any, village: Region | str | None = None, search: str = ""
) -> QuerySet[Household]:
    qs = Household.objects.filter(scope_q(actor, REGISTER_READ_ROLES))
    code = _village_code(village)
    if code is not None:
        if not can_read_register(actor, code):
            raise NotFound(_("Village not found."))
        qs = qs.filter(village_id=code)
    search = search.strip()
    if search:
        if search.isdigit():
            qs = qs.filter(kk_number=search)
        else:
            qs = qs.filter(head__name_search__contains=normalise_name(search))  # by the head's name
    return qs.select_related("head").order_by("rw", "rt", "id")


def household_get(*, actor: Any, household_id: int) -> Household:
    """A household with its members, for officials in scope or a citizen who belongs to it."""
    household = (
        Household.objects.select_related("village", "head")
        .prefetch_related(
            Prefetch("members", queryset=Resident.objects.order_by("family_role", "birth_date"))
        )
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise NotFound(_("Household not found."))
    if can_read_register(actor, household.village_id):
        return household
    if any(is_own_record(actor, member) for member in household.members.all()):
        return household
    raise NotFound(_("Household not found."))


def life_event_list(
    *, actor: Any, village: Region | str | None = None, kind: str = ""
) -> QuerySet[LifeEvent]:
    """Life events recorded in the actor's scope (transfers appear in both villages)."""
    qs = LifeEvent.objects.filter(
        scope_q(actor, REGISTER_READ_ROLES)
        | scope_q(actor, REGISTER_READ_ROLES, field="other_village")
    )
    code = _village_code(village)
    if code is not None:
        if not can_read_register(actor, code):
            raise NotFound(_("Village not found."))
        qs = qs.filter(Q(village_id=code) | Q(other_village_id=code))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("resident", "village", "other_village").order_by("-occurred_on", "-id")


TRANSFER_DIRECTIONS = ("incoming", "outgoing", "")


def transfer_list(
    *,
    actor: Any,
    direction: str = "",
    status: str = "",
    roles: frozenset[str] = REGISTER_READ_ROLES,
) -> QuerySet[TransferRequest]:
    """Transfer requests of the villages in the actor's scope: ``incoming`` (to be decided
    by them), ``outgoing`` (asked by them) or both; newest first."""
    incoming = scope_q(actor, roles, field="target_village")
    outgoing = scope_q(actor, roles, field="village")
    where = {"incoming": incoming, "outgoing": outgoing}.get(direction, incoming | outgoing)
    qs = TransferRequest.objects.filter(where)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("resident", "household", "village", "target_village").order_by(
        "-requested_at", "-id"
    )


def transfer_get(*, actor: Any, transfer_id: int) -> TransferRequest:
    """One transfer request seen from either village (or above them); NotFound otherwise."""
    transfer = transfer_list(actor=actor).filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound(_("Not found."))
    return transfer


def resident_history(*, actor: Any, resident: Resident) -> QuerySet[LifeEvent]:
    """A resident's life events (the caller got ``resident`` through ``resident_get``)."""
    del actor
    return (
        LifeEvent.objects.filter(resident=resident)
        .select_related("village", "other_village")
        .order_by("-occurred_on", "-id")
    )


def resident_view_log(*, resident: Resident) -> QuerySet[ResidentViewLog]:
    """Who opened this resident's full record (for the citizen's own page)."""
    return ResidentViewLog.objects.filter(resident=resident).order_by("-viewed_at", "-id")


def activation_code_latest(*, resident: Resident) -> ActivationCode | None:
    return resident.activation_codes.order_by("-created_at").first()


def import_job_get(*, actor: Any, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("village").filter(pk=job_id).first()
    if job is None or not can_read_register(actor, job.village_id):
        raise NotFound(_("Import not found."))
    return job


def statistics_for(*, actor: Any, region_code: str) -> PopulationStatistics:
    """Aggregate statistics of a village, kecamatan or the regency, for officials in scope."""
    if not can_view_statistics(actor, region_code):
        raise NotFound(_("Region not found."))
    return population_statistics(region_code=region_code)


# --- keyset paging (the API) --------------------------------------------------------------


def _encode_cursor(resident: Resident) -> str:
    raw = json.dumps([resident.name_search, resident.pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, pk = json.loads(raw)
        if not isinstance(name, str) or not isinstance(pk, int):
            raise ValueError
        return name, pk
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed(_("The paging cursor is not valid."), code="bad_cursor") from exc


def keyset_page(
    qs: QuerySet[Resident], *, cursor: str = "", limit: int = 50
) -> tuple[list[Resident], str | None]:
    """One page of a ``resident_list`` (ordered by name_search, id), after ``cursor``.

    Costs the same on every page (no OFFSET); returns the rows and the next cursor."""
    if cursor:
        name, pk = _decode_cursor(cursor)
        qs = qs.filter(Q(name_search__gt=name) | Q(name_search=name, id__gt=pk))
    rows = list(qs[: limit + 1])  # ordered by resident_list (name_search, id)
    if len(rows) > limit:
        return rows[:limit], _encode_cursor(rows[limit - 1])
    return rows, None
