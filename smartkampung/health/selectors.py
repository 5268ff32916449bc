"""Reads of child health data, always scoped to the acting user.

Children under five are a selector over the population register's residents (living, born
less than five years ago), never a copy: a birth registered there appears here by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import scope_q
from smartkampung.core.exceptions import NotFound
from smartkampung.population.models import LIVING_STATUSES, Household, Resident
from smartkampung.regions.models import Region

from .models import (
    AreaKind,
    GrowthVisit,
    HouseholdSanitation,
    Posyandu,
    Pregnancy,
    PrevalenceFigure,
)
from .permissions import (
    CHILD_READ_ROLES,
    FIGURE_ROLES,
    MANAGE_ROLES,
    cadre_posyandu_id,
    can_read_children,
    can_view_figures,
)
from .welfare import HouseholdWelfare, welfare_status

UNDER_FIVE_DAYS = 1826  # 60 months of 30.4375 days


def _today() -> date:
    return timezone.localdate()


def under_five_born_after(today: date | None = None) -> date:
    return (today or _today()) - timedelta(days=UNDER_FIVE_DAYS)


def posyandu_list(*, actor: Any, village: Region | str | None = None) -> QuerySet[Posyandu]:
    """The posyandu the actor may see: a cadre its own, staff and officials their scope."""
    code = village.code if isinstance(village, Region) else village
    q = scope_q(actor, CHILD_READ_ROLES | MANAGE_ROLES | FIGURE_ROLES, field="village")
    own = cadre_posyandu_id(actor)
    if own is not None:
        q |= Q(pk=own)
    qs = Posyandu.objects.filter(q)
    if code:
        qs = qs.filter(village_id=code)
    return qs.order_by("village_id", "name")


def posyandu_get(*, actor: Any, posyandu_id: int) -> Posyandu:
    found = posyandu_list(actor=actor).select_related("village").filter(pk=posyandu_id).first()
    if found is None:
        raise NotFound(_("Posyandu not found."))
    return found


def _area_q(posyandu: Posyandu) -> Q:
    q = Q(village_id=posyandu.village_id)
    if posyandu.rw:
        q &= Q(rw=posyandu.rw)
    elif posyandu.dusun:
        q &= Q(dusun__iexact=posyandu.dusun)
    return q


def _children_q(actor: Any) -> Q:
    q = scope_q(actor, CHILD_READ_ROLES, field="village")
    own = cadre_posyandu_id(actor)
    if own is not None:
        posyandu = Posyandu.objects.get(pk=own)
        # The children the posyandu serves, and those it has measured (a child who moved away
        # keeps its history with the posyandu that recorded it).
        measured = GrowthVisit.objects.filter(posyandu_id=own).values("child_id")
        q |= _area_q(posyandu) | Q(pk__in=measured)
    return q


def children_under_five(
    *,
    actor: Any,
    village: Region | str | None = None,
    posyandu: Posyandu | None = None,
    today: date | None = None,
) -> QuerySet[Resident]:
    """Living residents under five the actor may see, youngest last, by name."""
    qs = Resident.objects.filter(
        _children_q(actor),
        status__in=LIVING_STATUSES,
        birth_date__gt=under_five_born_after(today),
        birth_date__lte=today or _today(),
    )
    code = village.code if isinstance(village, Region) else village
    if code:
        qs = qs.filter(village_id=code)
    if posyandu is not None:
        qs = qs.filter(_area_q(posyandu))
    return qs.order_by("name_search", "id")


def child_get(*, actor: Any, child_id: int) -> Resident:
    """A child the actor may see (any age: its history stays readable), else 404."""
    child = (
        Resident.objects.filter(_children_q(actor), pk=child_id)
        .select_related("household", "village")
        .first()
    )
    if child is None:
        raise NotFound(_("Child not found."))
    return child


def growth_visit_list(*, actor: Any, child: Resident) -> QuerySet[GrowthVisit]:
    """Every visit of a child the actor may see (``child`` from ``child_get``)."""
    child_get(actor=actor, child_id=child.pk)
    return GrowthVisit.objects.filter(child_id=child.pk).select_related("posyandu")


def immunisations_given(*, actor: Any, children: QuerySet[Resident]) -> dict[int, list[str]]:
    """The vaccine codes already recorded for each of these children (sorted), read in one
    query; a child the actor may not see counts as having none. Every visit counts, a
    re-measured one too, as in ``growth_visit_record``'s once-only check."""
    given: dict[int, set[str]] = {}
    rows = (
        GrowthVisit.objects.filter(child__in=children.filter(_children_q(actor)).values("pk"))
        .exclude(immunisations=[])
        .values_list("child_id", "immunisations")
    )
    for child_id, codes in rows:
        given.setdefault(child_id, set()).update(codes or ())
    return {child_id: sorted(codes) for child_id, codes in given.items()}


LATEST_FIELDS = (
    "child_id",
    "visit_date",
    "age_days",
    "weight_kg",
    "height_cm",
    "waz",
    "haz",
    "whz",
    "flags",
    "stunted",
    "severely_stunted",
    "wasted",
    "underweight",
    "trend",
    "needs_remeasure",
)


STUNTED_CHILD_FIELDS = ("full_name", "nik", "sex", "birth_date", "rt", "rw", "household_id")


def _last_visit_subquery() -> Any:
    return (
        GrowthVisit.objects.filter(child_id=OuterRef("pk"), remeasured_by__isnull=True)
        .order_by("-visit_date", "-id")
        .values("pk")[:1]
    )


def _latest_visit_ids(child_ids: list[int]) -> list[int]:
    """The id of each child's last counted visit: one index probe per child
    (``growthvisit_child_date``), not a scan of every visit of the village."""
    last = _last_visit_subquery()
    ids: list[int] = []
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        ids.extend(
            pk
            for pk in Resident.objects.filter(pk__in=chunk)
            .annotate(last_visit=Subquery(last))
            .values_list("last_visit", flat=True)
            if pk is not None
        )
    return ids


def latest_visits(child_ids: list[int]) -> dict[int, GrowthVisit]:
    """The last counted visit of each child (internal: callers have scoped ``child_ids``)."""
    visits = GrowthVisit.objects.filter(pk__in=_latest_visit_ids(child_ids)).only(*LATEST_FIELDS)
    return {v.child_id: v for v in visits}


def remeasure_queue(*, actor: Any, posyandu: Posyandu) -> QuerySet[GrowthVisit]:
    """Visits with an implausible value waiting for the child to be measured again."""
    posyandu_get(actor=actor, posyandu_id=posyandu.pk)
    return (
        GrowthVisit.objects.filter(posyandu=posyandu, needs_remeasure=True)
        .filter(child__in=Resident.objects.filter(_children_q(actor)))
        .select_related("child")
        .order_by("visit_date", "id")
    )


def pregnancy_list(*, actor: Any, posyandu: Posyandu, closed: bool = False) -> QuerySet[Pregnancy]:
    """The posyandu's open pregnancies (``closed``: the closed ones, latest ended first)."""
    posyandu_get(actor=actor, posyandu_id=posyandu.pk)
    if cadre_posyandu_id(actor) != posyandu.pk and not can_read_children(
        actor, posyandu.village_id
    ):
        raise NotFound(_("Posyandu not found."))
    qs = Pregnancy.objects.filter(posyandu=posyandu, ended_on__isnull=not closed)
    if closed:
        qs = qs.order_by("-ended_on", "-id")
    return qs.select_related("mother").prefetch_related("visits")


def pregnancy_get(*, actor: Any, pregnancy_id: int) -> Pregnancy:
    """A pregnancy (open or closed) the actor may see: its posyandu's cadres, the village's
    staff and the health office; else 404."""
    pregnancy = (
        Pregnancy.objects.filter(pk=pregnancy_id).select_related("posyandu", "mother").first()
    )
    if pregnancy is None or not (
        cadre_posyandu_id(actor) == pregnancy.posyandu_id
        or can_read_children(actor, pregnancy.village_id)
    ):
        raise NotFound(_("Pregnancy not found."))
    return pregnancy


@dataclass(frozen=True)
class StuntedChild:
    child: Resident
    visit: GrowthVisit
    safe_water: bool | None
    healthy_latrine: bool | None
    welfare: HouseholdWelfare

    @property
    def nik_masked(self) -> str:
        from smartkampung.core.privacy import mask_identifier

        return mask_identifier(self.child.nik)


def stunted_children(
    *, actor: Any, village: Region, today: date | None = None
) -> list[StuntedChild]:
    """The village's children whose last counted measurement is stunted (HAZ < −2 SD,
    plausible), with their household's water, sanitation and welfare status."""
    if not can_read_children(actor, village.code):
        raise NotFound(_("Village not found."))
    # One query: the database finds each child's last counted visit (one index probe per
    # child under five) and returns only the stunted ones with their child, so Python builds
    # ~1 row per stunted child instead of one per child plus a list of every last-visit id.
    last_visits = (
        children_under_five(actor=actor, village=village, today=today)
        .order_by()
        .annotate(last_visit=Subquery(_last_visit_subquery()))
        .values("last_visit")
    )
    visits = (
        GrowthVisit.objects.filter(pk__in=last_visits, stunted=True)
        .select_related("child")
        .only(*LATEST_FIELDS, *(f"child__{f}" for f in STUNTED_CHILD_FIELDS))
        .order_by("child__name_search", "child_id")
    )
    rows = [(v.child, v) for v in visits]
    household_ids = [c.household_id for c, _v in rows if c.household_id]
    sanitation = {
        s.household_id: s
        for s in HouseholdSanitation.objects.filter(household_id__in=household_ids)
    }
    welfare = welfare_status(actor=actor, household_ids=household_ids)
    from .welfare import UNKNOWN

    result = []
    for child, visit in rows:
        s = sanitation.get(child.household_id) if child.household_id else None
        result.append(
            StuntedChild(
                child=child,
                visit=visit,
                safe_water=s.safe_water if s else None,
                healthy_latrine=s.healthy_latrine if s else None,
                welfare=welfare.get(child.household_id, UNKNOWN) if child.household_id else UNKNOWN,
            )
        )
    return result


def household_get(*, actor: Any, household_id: int) -> Household:
    """A household of a village the actor manages, or whose children its posyandu serves."""
    household = Household.objects.filter(pk=household_id).first()
    if household is None:
        raise NotFound(_("Household not found."))
    if has_household_access(actor, household):
        return household
    raise NotFound(_("Household not found."))


def has_household_access(actor: Any, household: Household) -> bool:
    from .permissions import can_manage_village

    if can_manage_village(actor, household.village_id):
        return True
    own = cadre_posyandu_id(actor)
    if own is None:
        return False
    posyandu = Posyandu.objects.get(pk=own)
    return posyandu.village_id == household.village_id and posyandu.serves(
        rw=household.rw, dusun=household.dusun
    )


def prevalence_series(
    *, actor: Any, area_kind: str, area_code: str, months: int = 12
) -> list[PrevalenceFigure]:
    """The last ``months`` monthly figures of one area, oldest first."""
    region_code = area_code
    if area_kind == AreaKind.POSYANDU:
        region_code = posyandu_get(actor=actor, posyandu_id=int(area_code)).village_id
    if not can_view_figures(actor, region_code):
        raise NotFound(_("Not found."))
    rows = PrevalenceFigure.objects.filter(area_kind=area_kind, area_code=area_code).order_by(
        "-month"
    )[:months]
    return list(reversed(rows))


def prevalence_children(
    *, actor: Any, region: Region, month: date | None = None
) -> tuple[date | None, list[tuple[Region, PrevalenceFigure | None]]]:
    """The figures of each child area of ``region`` (kecamatan of the regency, villages of a
    kecamatan, posyandu of a village) for ``month`` (default: the latest computed)."""
    if not can_view_figures(actor, region.code):
        raise NotFound(_("Not found."))
    if month is None:
        latest = PrevalenceFigure.objects.filter(area_kind=AreaKind.REGENCY).order_by("-month")
        first = latest.values_list("month", flat=True).first()
        month = first
    if month is None:
        return None, []
    # Names only: the kecamatan's boundaries (~170 KB of GeoJSON for a regency) are not shown.
    children = list(
        Region.objects.filter(parent=region).order_by("code").only("code", "name", "level")
    )
    kind = AreaKind.DISTRICT if region.level == "regency" else AreaKind.VILLAGE
    figures = {
        f.area_code: f
        for f in PrevalenceFigure.objects.filter(
            area_kind=kind, month=month, area_code__in=[c.code for c in children]
        )
    }
    return month, [(c, figures.get(c.code)) for c in children]


def prevalence_get(*, actor: Any, area_kind: str, area_code: str, month: date) -> Any:
    if area_kind != AreaKind.POSYANDU and not can_view_figures(actor, area_code):
        raise NotFound(_("Not found."))
    return PrevalenceFigure.objects.filter(
        area_kind=area_kind, area_code=area_code, month=month
    ).first()


def prevalence_of_villages(*, actor: Any, region: Region, month: date) -> dict[str, Any]:
    """The village figures below ``region`` for the map (code → figure)."""
    if not can_view_figures(actor, region.code):
        raise NotFound(_("Not found."))
    return {
        f.area_code: f
        for f in PrevalenceFigure.objects.filter(
            area_kind=AreaKind.VILLAGE, month=month, area_code__startswith=region.code + "."
        )
    }


def women_of_posyandu(*, actor: Any, posyandu: Posyandu) -> QuerySet[Resident]:
    """Living women aged 15–49 of the posyandu's area, for registering a pregnancy (its cadres)."""
    from .permissions import can_record_at

    if not can_record_at(actor, posyandu):
        raise NotFound(_("Posyandu not found."))
    today = _today()
    return (
        Resident.objects.filter(_area_q(posyandu), status__in=LIVING_STATUSES, sex=2)
        .filter(birth_date__lte=_years_ago(today, 15), birth_date__gt=_years_ago(today, 50))
        .exclude(pk__in=Pregnancy.objects.filter(ended_on__isnull=True).values("mother_id"))
        .order_by("name_search", "id")
        .only("id", "full_name", "rt", "rw")
    )


def cadre_candidates(*, actor: Any, village: Region) -> list[Any]:
    """Users holding the posyandu-cadre role on the village (for its managers), with the
    posyandu each is tied to."""
    from smartkampung.accounts.models import Role, User

    from .permissions import can_manage_village

    if not can_manage_village(actor, village.code):
        return []
    return list(
        User.objects.filter(
            role_assignments__role=Role.POSYANDU_CADRE,
            role_assignments__scope_id=village.code,
            is_active=True,
        )
        .select_related("posyandu_cadre__posyandu")
        .order_by("username")
    )


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
