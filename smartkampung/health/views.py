"""Pages of the health app: thin views over the selectors and services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.privacy import mask_identifier
from smartkampung.regions.models import Region

from . import selectors, services
from .exports import rembuk_pdf, rembuk_xlsx
from .forms import GrowthVisitForm, PosyanduForm
from .growth.chart import kms_svg
from .growth.classify import height_for_age, weight_for_age, weight_for_height
from .maps import choropleth_svg
from .models import AreaKind, PregnancyOutcome
from .permissions import (
    FIGURE_ROLES,
    cadre_posyandu_id,
    can_manage_village,
    can_read_children,
    can_record_at,
)
from .welfare import welfare_status_viewed


def _region(code: str) -> Region:
    # The pages never draw the region's own boundary (the map has its cached paths): not
    # reading it keeps ~100 KB of GeoJSON of a regency off every request.
    region = Region.objects.filter(pk=code).defer("boundary").first()
    if region is None:
        raise NotFound(_("Not found."))
    return region


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The actor's entry: a cadre's posyandu, else the widest region they see."""
    own = cadre_posyandu_id(request.user)
    if own is not None:
        return redirect("health:posyandu", posyandu_id=own)
    from smartkampung.accounts.permissions import scope_codes

    codes = scope_codes(request.user, FIGURE_ROLES)
    if not codes:
        raise Http404
    code = codes[0]
    if code.count(".") == 3:
        return redirect("health:village", code=code)
    return redirect("health:region", code=code)


@login_required
def region_figures(request: HttpRequest, code: str) -> HttpResponse:
    """Prevalence of the kecamatan of the regency, or the villages of a kecamatan."""
    region = _region(code)
    if region.level == "village":
        return redirect("health:village", code=code)
    month, rows = selectors.prevalence_children(actor=request.user, region=region)
    kind = AreaKind.REGENCY if region.level == "regency" else AreaKind.DISTRICT
    series = selectors.prevalence_series(actor=request.user, area_kind=kind, area_code=code)
    figures = (
        selectors.prevalence_of_villages(actor=request.user, region=region, month=month)
        if month
        else {}
    )
    map_svg = choropleth_svg(
        code,
        {c: f.stunting_percent for c, f in figures.items()},
        label=_("Stunting prevalence per village"),
    )
    return render(
        request,
        "health/region.html",
        {
            "region": region,
            "month": month,
            "rows": rows,
            "series": series,
            "map_svg": map_svg,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_page(request: HttpRequest, code: str) -> HttpResponse:
    """A village: its posyandu, figures and stunted children (staff and the health office)."""
    village = _region(code)
    if village.level != "village":
        raise NotFound(_("Village not found."))
    form = PosyanduForm(request.POST or None)
    if request.method == "POST" and "cadre" in request.POST:
        return _cadre_assign(request, village)
    if request.method == "POST":
        try:
            if form.is_valid():
                services.posyandu_create(actor=request.user, village=village, **form.cleaned_data)
                return redirect("health:village", code=code)
        except DomainError as exc:
            if exc.status == 404:
                raise
            for field, message in (exc.details or {}).items():
                form.add_error(field if field in form.fields else None, message)
    # Officials who see figures but not children (the treasurer, a camat) get the figures.
    reads_children = can_read_children(request.user, code)
    children = (
        selectors.stunted_children(actor=request.user, village=village) if reads_children else []
    )
    welfare_status_viewed(
        actor=request.user, children=children, village_code=code, reason=_("Stunted children list")
    )
    series = selectors.prevalence_series(
        actor=request.user, area_kind=AreaKind.VILLAGE, area_code=code
    )
    return render(
        request,
        "health/village.html",
        {
            "village": village,
            "posyandu": list(selectors.posyandu_list(actor=request.user, village=village)),
            "children": children,
            "series": series,
            "form": form,
            "can_manage": can_manage_village(request.user, code),
            "cadres": selectors.cadre_candidates(actor=request.user, village=village),
            "reads_children": reads_children,
        },
    )


def _cadre_assign(request: HttpRequest, village: Region) -> HttpResponse:
    from smartkampung.accounts.models import User

    posyandu = (
        selectors.posyandu_list(actor=request.user, village=village)
        .filter(pk=_int(request.POST.get("posyandu")))
        .first()
    )
    user = User.objects.filter(pk=_int(request.POST.get("cadre")), is_active=True).first()
    if posyandu is None or user is None:
        raise NotFound(_("Not found."))
    services.cadre_assign(actor=request.user, posyandu=posyandu, user=user)
    return redirect("health:village", code=village.code)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _rembuk_data(request: HttpRequest, code: str) -> tuple[Region, list[Any], list[Any], str]:
    village = _region(code)
    if village.level != "village" or not can_read_children(request.user, code):
        raise NotFound(_("Village not found."))
    children = selectors.stunted_children(actor=request.user, village=village)
    series = selectors.prevalence_series(
        actor=request.user, area_kind=AreaKind.VILLAGE, area_code=code, months=12
    )
    title = _("Rembuk stunting: %(village)s, %(date)s") % {
        "village": village.name,
        "date": timezone.localdate().isoformat(),
    }
    return village, children, series, title


def _rembuk_audit(request: HttpRequest, village: Region, children: list[Any], kind: str) -> None:
    from smartkampung import audit

    audit.record(
        request.user, "health.rembuk_export", village, {"children": len(children), "format": kind}
    )
    welfare_status_viewed(
        actor=request.user,
        children=children,
        village_code=village.code,
        reason=_("Rembuk stunting report (PDF)")
        if kind == "pdf"
        else _("Rembuk stunting report (XLSX)"),
    )


@login_required
def rembuk_report(request: HttpRequest, code: str) -> HttpResponse:
    village, children, series, title = _rembuk_data(request, code)
    body = rembuk_xlsx(title=title, figures=series, children=children)
    _rembuk_audit(request, village, children, "xlsx")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rembuk-stunting-{code}.xlsx"'
    return response


@login_required
def rembuk_report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The rembuk stunting report as PDF/A-2b, for printing at the village meeting."""
    village, children, series, title = _rembuk_data(request, code)
    district = Region.objects.filter(pk=village.parent_id).values_list("name", flat=True).first()
    subtitle = _(
        "Kecamatan %(district)s. Figures of the last 12 months; the stunted children "
        "by their last counted measurement (WHO 2006, Permenkes 2/2020)."
    ) % {"district": district or "—"}
    body = rembuk_pdf(
        title=title,
        subtitle=subtitle,
        figures=series,
        children=children,
        generated_at=timezone.now(),
    )
    _rembuk_audit(request, village, children, "pdf")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rembuk-stunting-{code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def pregnancy_add(request: HttpRequest, posyandu_id: int) -> HttpResponse:
    posyandu = selectors.posyandu_get(actor=request.user, posyandu_id=posyandu_id)
    try:
        services.pregnancy_register(
            actor=request.user,
            posyandu=posyandu,
            mother_id=request.POST.get("mother"),
            registered_on=request.POST.get("registered_on"),
            expected_delivery=request.POST.get("expected_delivery") or None,
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _posyandu_render(request, posyandu, error=_error_text(exc), status=422)
    return redirect("health:posyandu", posyandu_id=posyandu.pk)


@login_required
@require_POST
def pregnancy_visit_add(request: HttpRequest, posyandu_id: int, pregnancy_id: int) -> HttpResponse:
    posyandu = selectors.posyandu_get(actor=request.user, posyandu_id=posyandu_id)
    pregnancy = (
        selectors.pregnancy_list(actor=request.user, posyandu=posyandu)
        .filter(pk=pregnancy_id)
        .first()
    )
    if pregnancy is None:
        raise NotFound(_("Pregnancy not found."))
    try:
        services.pregnancy_visit_record(
            actor=request.user,
            pregnancy=pregnancy,
            visit_date=request.POST.get("visit_date"),
            muac_cm=request.POST.get("muac_cm"),
            weight_kg=request.POST.get("weight_kg") or None,
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _posyandu_render(request, posyandu, error=_error_text(exc), status=422)
    return redirect("health:posyandu", posyandu_id=posyandu.pk)


@login_required
@require_POST
def pregnancy_close(request: HttpRequest, posyandu_id: int, pregnancy_id: int) -> HttpResponse:
    posyandu = selectors.posyandu_get(actor=request.user, posyandu_id=posyandu_id)
    pregnancy = selectors.pregnancy_get(actor=request.user, pregnancy_id=pregnancy_id)
    if pregnancy.posyandu_id != posyandu.pk:
        raise NotFound(_("Pregnancy not found."))
    try:
        services.pregnancy_close(
            actor=request.user,
            pregnancy=pregnancy,
            outcome=request.POST.get("outcome", ""),
            ended_on=request.POST.get("ended_on"),
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _posyandu_render(request, posyandu, error=_error_text(exc), status=422)
    return redirect("health:posyandu", posyandu_id=posyandu.pk)


def _error_text(exc: DomainError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    return " ".join([exc.message, *[str(v) for v in details.values()]])


@login_required
def posyandu_page(request: HttpRequest, posyandu_id: int) -> HttpResponse:
    posyandu = selectors.posyandu_get(actor=request.user, posyandu_id=posyandu_id)
    return _posyandu_render(request, posyandu)


def _posyandu_render(
    request: HttpRequest, posyandu: Any, *, error: str = "", status: int = 200
) -> HttpResponse:
    children = list(
        selectors.children_under_five(actor=request.user, posyandu=posyandu)
        .filter(village_id=posyandu.village_id)
        .only("id", "full_name", "birth_date", "sex", "rt", "rw", "nik")[:500]
    )
    latest = selectors.latest_visits([c.pk for c in children])
    can_see_children = can_read_children(request.user, posyandu.village_id) or can_record_at(
        request.user, posyandu
    )
    if not can_see_children:
        children, latest = [], {}
    return render(
        request,
        "health/posyandu.html",
        {
            "posyandu": posyandu,
            "rows": [(c, latest.get(c.pk)) for c in children],
            "queue": list(selectors.remeasure_queue(actor=request.user, posyandu=posyandu))
            if can_see_children
            else [],
            "pregnancies": list(selectors.pregnancy_list(actor=request.user, posyandu=posyandu))
            if can_see_children
            else [],
            "closed_pregnancies": list(
                selectors.pregnancy_list(actor=request.user, posyandu=posyandu, closed=True)[:20]
            )
            if can_see_children
            else [],
            "outcomes": PregnancyOutcome.choices,
            "series": selectors.prevalence_series(
                actor=request.user, area_kind=AreaKind.POSYANDU, area_code=str(posyandu.pk)
            ),
            "can_record": can_record_at(request.user, posyandu),
            "women": list(selectors.women_of_posyandu(actor=request.user, posyandu=posyandu))
            if can_record_at(request.user, posyandu)
            else [],
            "error": error,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _classes(visit: Any) -> dict[str, str]:
    return {
        "waz": str(dict(_choices_wfa()).get(weight_for_age(visit.waz), "")),
        "haz": str(dict(_choices_hfa()).get(height_for_age(visit.haz), "")),
        "whz": str(dict(_choices_wfh()).get(weight_for_height(visit.whz), "")),
    }


def _choices_wfa() -> Any:
    from .growth.classify import WeightForAge

    return WeightForAge.choices


def _choices_hfa() -> Any:
    from .growth.classify import HeightForAge

    return HeightForAge.choices


def _choices_wfh() -> Any:
    from .growth.classify import WeightForHeight

    return WeightForHeight.choices


@login_required
@require_http_methods(["GET", "POST"])
def child_page(request: HttpRequest, child_id: int) -> HttpResponse:
    """A child's record: visits with z-scores and classes, the KMS, and (for the child's
    posyandu cadre) the visit form. Opening it is logged in the register's access log."""
    child = selectors.child_get(actor=request.user, child_id=child_id)
    own = cadre_posyandu_id(request.user)
    posyandu = (
        selectors.posyandu_get(actor=request.user, posyandu_id=own) if own is not None else None
    )
    can_record = posyandu is not None and posyandu.village_id == child.village_id
    form = GrowthVisitForm(request.POST or None, initial={"visit_date": timezone.localdate()})
    if request.method == "POST":
        if not can_record or posyandu is None:
            raise NotFound(_("Child not found."))
        if form.is_valid():
            try:
                services.growth_visit_record(
                    actor=request.user, posyandu=posyandu, child_id=child.pk, **form.cleaned_data
                )
                return redirect("health:child", child_id=child.pk)
            except DomainError as exc:
                if exc.status == 404:
                    raise
                form.add_error(None, exc.message)
                for field, message in (exc.details or {}).items():
                    if field in form.fields:
                        form.add_error(field, message)
    else:
        services.child_record_view(actor=request.user, child=child)
    visits = list(selectors.growth_visit_list(actor=request.user, child=child))
    return render(
        request,
        "health/child.html",
        {
            "child": child,
            "nik": mask_identifier(child.nik),
            "visits": [(v, _classes(v)) for v in visits],
            "form": form if can_record else None,
            "age_months": (timezone.localdate() - child.birth_date).days // 30,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def child_kms(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_get(actor=request.user, child_id=child_id)
    visits = selectors.growth_visit_list(actor=request.user, child=child).filter(
        weight_kg__isnull=False, remeasured_by__isnull=True
    )
    svg = kms_svg(
        sex=child.sex,
        points=[(v.age_days, float(v.weight_kg)) for v in visits if v.weight_kg is not None],
        title=_("Growth chart (KMS): weight-for-age, WHO 2006"),
        x_label=_("Age (months)"),
        y_label=_("Weight (kg)"),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'none'"
    return response


@login_required
@require_POST
def household_sanitation(request: HttpRequest, household_id: int) -> HttpResponse:
    safe_water, latrine = services.sanitation_from_form(request.POST)
    services.household_sanitation_set(
        actor=request.user,
        household_id=household_id,
        safe_water=safe_water,
        healthy_latrine=latrine,
    )
    back = request.POST.get("next", "")
    if back.startswith("/health/") and "//" not in back:
        return redirect(back)
    return redirect("health:home")


def month_label(d: date | None) -> str:
    return d.strftime("%Y-%m") if d else "—"
