"""Welfare pages: the register (with its versions), the DTKS/DTSEN import, programmes and
quotas, enrolment behind the red light, the proposal cycle, BLT payments and the reports.

Views only parse input and call one service or selector; every page that shows a household's
welfare status writes the access log (``services.welfare_view_log``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartkampung.accounts.permissions import has_role_anywhere, scope_q
from smartkampung.core.csvfiles import csv_response
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.pagination import paginate
from smartkampung.core.privacy import mask_identifier
from smartkampung.core.uploads import read_limited
from smartkampung.population.importer import FileRefused
from smartkampung.regions.models import Level, Region

from . import enrolment_import as enrolment_reader
from . import permissions, reports, rules, selectors, services
from .forms import (
    DecisionForm,
    EnrolForm,
    EnrolmentImportForm,
    PeriodForm,
    ProgrammeForm,
    ProposalForm,
    QuotaForm,
    RegisterFilterForm,
    RegisterImportForm,
)
from .models import AidProgramme, Enrolment, ProposalStatus


def _villages(actor: Any, roles: Any) -> list[tuple[str, str]]:
    rows = Region.objects.filter(level=Level.VILLAGE).filter(scope_q(actor, roles, field="code"))
    return [(r.code, f"{r.name} ({r.code})") for r in rows.defer("boundary").order_by("code")]


def _period(request: HttpRequest) -> str:
    form = PeriodForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("period"):
        return str(form.cleaned_data["period"])
    return selectors.current_period()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not permissions.can_view_any_welfare(actor):
        raise NotFound()
    return render(
        request,
        "welfare/home.html",
        {
            "can_read": has_role_anywhere(actor, permissions.WELFARE_READ_ROLES),
            "can_import": permissions.can_import_register(actor),
            "can_manage": permissions.can_manage_programmes(actor),
            "can_enrol": has_role_anywhere(
                actor, permissions.VILLAGE_WRITE_ROLES | permissions.SOCIAL_ROLES
            ),
            "can_report": permissions.can_view_reports(actor),
            "can_list_enrolments": has_role_anywhere(actor, permissions.BLT_READ_ROLES),
            "can_list_proposals": has_role_anywhere(actor, permissions.PROPOSAL_READ_ROLES),
            "awaiting": list(selectors.proposals_awaiting(actor=actor)[:20]),
            "programmes": list(selectors.programme_list()),
        },
    )


@login_required
def my_status(request: HttpRequest) -> HttpResponse:
    """A citizen's own household: in the welfare register or not, its decile, the programmes
    it receives this month (the household itself may see it, ADR 0082). Not logged: the
    access log records officials' views."""
    household_id = selectors.own_household_id(actor=request.user)
    if household_id is None:
        raise NotFound()
    status = selectors.welfare_status_for_households(
        actor=request.user, household_ids=[household_id]
    ).get(household_id)
    if status is None:
        raise NotFound()
    names = {p.code: p.name for p in selectors.programme_list()}
    return render(
        request,
        "welfare/me.html",
        {
            "status": status,
            "period": selectors.current_period(),
            "received": [(code, names.get(code, "")) for code in status.programmes],
        },
    )


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not has_role_anywhere(actor, permissions.WELFARE_READ_ROLES):
        raise NotFound()
    form = RegisterFilterForm(
        request.GET or None, villages=_villages(actor, permissions.WELFARE_READ_ROLES)
    )
    data = form.cleaned_data if form.is_valid() else {}
    entries = selectors.register_list(
        actor=actor,
        village_code=data.get("village") or "",
        day=data.get("day"),
        decile_max=data.get("decile_max"),
    )
    page, qs_base = paginate(request, entries)
    rows = list(page.object_list)
    services.welfare_view_log(
        actor=actor, household_ids=[e.household_id for e in rows], reason=_("welfare register list")
    )
    return render(
        request,
        "welfare/register_list.html",
        {"form": form, "page_obj": page, "rows": rows, "querystring_base": qs_base},
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_import_view(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import_register(request.user):
        raise NotFound()
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_limited(upload, max_bytes=settings.SK_MAX_UPLOAD_BYTES)
            record = services.register_import(
                actor=request.user,
                data=data,
                file_name=upload.name or "",
                as_of=form.cleaned_data.get("as_of"),
            )
        except services.RegisterImportRefused as exc:
            form.add_error(None, exc.message)
            errors = list(exc.details or [])
        except (DomainError, FileRefused) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The welfare register has been imported."))
            return redirect("welfare:import_detail", import_id=record.pk)
    return render(
        request,
        "welfare/register_import.html",
        {
            "form": form,
            "errors": errors,
            "imports": list(selectors.import_list(actor=request.user)[:20]),
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    record = selectors.import_list(actor=request.user).filter(pk=import_id).first()
    if record is None:
        raise NotFound()
    counts: dict[str, int] = {}
    for line in record.report_json:
        counts[line["kind"]] = counts.get(line["kind"], 0) + 1
    page, qs_base = paginate(request, record.report_json, per_page=200)
    return render(
        request,
        "welfare/import_detail.html",
        {
            "record": record,
            "counts": sorted(counts.items()),
            "page_obj": page,
            "querystring_base": qs_base,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = request.user
    household, entries = selectors.household_history(actor=actor, household_id=household_id)
    can_propose = permissions.can_propose(actor, household.village_id)
    form = ProposalForm(request.POST or None) if can_propose else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        if form.is_valid():
            try:
                services.proposal_create(
                    actor=actor,
                    household_id=household.pk,
                    kind=form.cleaned_data["kind"],
                    decile=form.cleaned_data.get("decile"),
                    reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                )
            except DomainError as exc:
                if exc.status == 404:
                    raise
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The proposal has been sent to the kecamatan."))
                return redirect("welfare:household", household_id=household.pk)
    status = selectors.welfare_status_for_households(actor=actor, household_ids=[household.pk])
    services.welfare_view_log(
        actor=actor,
        household_ids=[household.pk],
        village_code=household.village_id,
        reason=_("welfare status of the household"),
    )
    enrolments = Enrolment.objects.filter(household_id=household.pk).select_related("programme")
    return render(
        request,
        "welfare/household_detail.html",
        {
            "household": household,
            "entries": entries,
            "status": status.get(household.pk),
            "enrolments": list(enrolments.order_by("-period", "programme__code")[:60]),
            "proposals": list(
                selectors.proposal_list(actor=actor).filter(household_id=household.pk)[:20]
            ),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_list(request: HttpRequest) -> HttpResponse:
    can_manage = permissions.can_manage_programmes(request.user)
    if not permissions.can_view_any_welfare(request.user):
        raise NotFound()
    form = ProgrammeForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        if form.is_valid():
            try:
                programme = services.programme_save(actor=request.user, data=form.programme_data())
            except DomainError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("The programme has been saved."))
                return redirect("welfare:programme", programme_id=programme.pk)
    return render(
        request,
        "welfare/programme_list.html",
        {"programmes": list(selectors.programme_list()), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _apply(form: Any, exc: DomainError) -> None:
    details = exc.details if isinstance(exc.details, dict) else {}
    placed = False
    for name, message in details.items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    if not permissions.can_view_any_welfare(request.user):
        raise NotFound()
    programme = selectors.programme_list().filter(pk=programme_id).first()
    if programme is None:
        raise NotFound()
    can_manage = permissions.can_manage_programme(request.user, programme)
    initial = {
        "code": programme.code,
        "name": programme.name,
        "target": programme.target,
        "fund_source": programme.fund_source,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "decile_max": programme.decile_max,
        "min_age": programme.min_age,
        "max_age": programme.max_age,
        "excludes": ", ".join(p.code for p in programme.excludes.all()),
        "budget_activity_code": programme.budget_activity_code,
        "monthly_amount": programme.monthly_amount,
    }
    form = quota_form = None
    if can_manage:
        which = request.POST.get("form") if request.method == "POST" else ""
        form = ProgrammeForm(request.POST if which == "programme" else None, initial=initial)
        quota_form = QuotaForm(request.POST if which == "quota" else None)
        try:
            if which == "programme" and form.is_valid():
                services.programme_save(
                    actor=request.user, data=form.programme_data(), programme=programme
                )
                messages.success(request, _("The programme has been saved."))
                return redirect("welfare:programme", programme_id=programme.pk)
            if which == "quota" and quota_form.is_valid():
                services.quota_set(
                    actor=request.user,
                    programme=programme,
                    village_code=quota_form.cleaned_data["village"],
                    quota=quota_form.cleaned_data["quota"],
                )
                messages.success(request, _("The quota has been saved."))
                return redirect("welfare:programme", programme_id=programme.pk)
        except DomainError as exc:
            _apply(quota_form if which == "quota" else form, exc)
    elif request.method == "POST":
        raise NotFound()
    bound_errors = bool((form and form.errors) or (quota_form and quota_form.errors))
    return render(
        request,
        "welfare/programme_detail.html",
        {
            "programme": programme,
            "form": form,
            "quota_form": quota_form,
            "quotas": list(programme.quotas.select_related("village").order_by("village_id")[:300]),
        },
        status=400 if bound_errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Check a proposed enrolment against every rule, and enrol it (the red light)."""
    actor = request.user
    roles = permissions.VILLAGE_WRITE_ROLES | permissions.SOCIAL_ROLES
    if not has_role_anywhere(actor, roles):
        raise NotFound()
    programmes = [(p.code, f"{p.code} — {p.name}") for p in AidProgramme.objects.order_by("code")]
    form = EnrolForm(
        request.POST or None,
        programmes=programmes,
        villages=_villages(actor, roles),
        initial={"period": selectors.current_period()},
    )
    judgement: Any = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidate = rules.Candidate(
            programme_code=data["programme"],
            period=data["period"],
            nik=data.get("nik") or "",
            kk_number=data.get("kk_number") or "",
            village_code=data["village"],
        )
        try:
            if request.POST.get("action") == "enrol":
                enrolment = services.enrolment_create(actor=actor, candidate=candidate)
                if enrolment.status == "review":
                    messages.warning(request, _("Held for review: a likely duplicate was found."))
                else:
                    messages.success(request, _("Enrolled."))
                return redirect("welfare:enrolments")
            judgement = services.enrolment_check(actor=actor, candidates=[candidate])[0]
        except DomainError as exc:
            if exc.status == 404:
                raise
            form.add_error(None, exc.message)
            judgement = {"findings": exc.details or []}
    return render(
        request,
        "welfare/enrol.html",
        {"form": form, "judgement": judgement},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_import_view(request: HttpRequest) -> HttpResponse:
    """Enrol the recipients of a CSV/XLSX file: every row behind the red light, or nobody."""
    actor = request.user
    if not has_role_anywhere(actor, permissions.VILLAGE_WRITE_ROLES | permissions.SOCIAL_ROLES):
        raise NotFound()
    form = EnrolmentImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_limited(upload, max_bytes=enrolment_reader.max_bytes())
            result = services.enrolment_import(actor=actor, data=data, file_name=upload.name or "")
        except services.EnrolmentImportRefused as exc:
            form.add_error(None, exc.message)
            errors = list(exc.details or [])
            total = exc.total
        except (DomainError, FileRefused) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "%(rows)d rows: %(created)d enrolled, %(review)d held for review, "
                    "%(unchanged)d already enrolled."
                )
                % {
                    "rows": result.rows,
                    "created": result.created,
                    "review": result.review,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("welfare:enrolments")
    return render(
        request,
        "welfare/enrolment_import.html",
        {"form": form, "errors": errors, "total": total, "columns": enrolment_reader.COLUMNS},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    roles = permissions.BLT_READ_ROLES
    if not has_role_anywhere(actor, roles):
        raise NotFound()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "pay":
                services.blt_payment_request(
                    actor=actor,
                    programme_code=request.POST.get("programme", ""),
                    period=request.POST.get("period", ""),
                    household_id=int(request.POST.get("household") or 0),
                )
                messages.success(request, _("The payment request (SPP) has been made."))
            elif request.POST.get("action") in ("accept", "refuse"):
                enrolment = (
                    selectors.enrolment_list(actor=actor)
                    .filter(pk=int(request.POST.get("enrolment") or 0))
                    .first()
                )
                if enrolment is None:
                    raise NotFound()
                services.enrolment_review_decide(
                    actor=actor, enrolment=enrolment, accept=request.POST["action"] == "accept"
                )
                messages.success(request, _("The review has been decided."))
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Not a valid request."))
        return redirect(request.get_full_path())
    village = request.GET.get("village", "")
    period = request.GET.get("period", "")
    programme = request.GET.get("programme", "")
    try:
        qs = selectors.enrolment_list(
            actor=actor, village_code=village, programme_code=programme, period=period
        )
    except NotFound:
        raise
    page, qs_base = paginate(request, qs)
    rows = list(page.object_list)
    services.welfare_view_log(
        actor=actor, household_ids=[e.household_id for e in rows], reason=_("enrolment list")
    )
    return render(
        request,
        "welfare/enrolment_list.html",
        {
            "rows": rows,
            "page_obj": page,
            "querystring_base": qs_base,
            "villages": _villages(actor, roles),
            "programmes": list(AidProgramme.objects.order_by("code")),
            "filters": {"village": village, "period": period, "programme": programme},
            "can_pay": has_role_anywhere(actor, permissions.BLT_PAY_ROLES),
            # The treasurer pays from this list but does not read the register itself.
            "can_open_household": has_role_anywhere(actor, permissions.WELFARE_READ_ROLES),
            "can_review": has_role_anywhere(actor, permissions.SOCIAL_ROLES),
        },
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not has_role_anywhere(actor, permissions.PROPOSAL_READ_ROLES):
        raise NotFound()
    status = request.GET.get("status", "")
    if status not in ProposalStatus.values:
        status = ""
    page, qs_base = paginate(request, selectors.proposal_list(actor=actor, status=status))
    return render(
        request,
        "welfare/proposal_list.html",
        {
            "page_obj": page,
            "querystring_base": qs_base,
            "status": status,
            "statuses": ProposalStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    actor = request.user
    proposal = selectors.proposal_get(actor=actor, proposal_id=proposal_id)
    can_check = proposal.status == ProposalStatus.PROPOSED and permissions.can_check_proposal(
        actor, proposal.village_id
    )
    can_decide = proposal.status == ProposalStatus.CHECKED and permissions.can_decide_proposal(
        actor, proposal.village_id
    )
    form = DecisionForm(request.POST or None) if (can_check or can_decide) else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        if form.is_valid():
            try:
                if can_check:
                    services.proposal_check(
                        actor=actor,
                        proposal=proposal,
                        accept=form.cleaned_data["accept"],
                        note=form.cleaned_data.get("note", ""),
                    )
                else:
                    services.proposal_decide(
                        actor=actor,
                        proposal=proposal,
                        approve=form.cleaned_data["accept"],
                        note=form.cleaned_data.get("note", ""),
                    )
            except DomainError as exc:
                if exc.status == 404:
                    raise
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The decision has been recorded."))
                return redirect("welfare:proposal", proposal_id=proposal.pk)
    current = (
        proposal.household
        and selectors.RegisterEntry.objects.filter(
            household_id=proposal.household_id, valid_to__isnull=True
        ).first()
    )
    services.welfare_view_log(
        actor=actor,
        household_ids=[proposal.household_id],
        village_code=proposal.village_id,
        reason=_("welfare proposal"),
    )
    return render(
        request,
        "welfare/proposal_detail.html",
        {"proposal": proposal, "current": current, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    actor = request.user
    if not permissions.can_view_reports(actor):
        raise NotFound()
    period = _period(request)
    what = request.GET.get("format", "")
    # One kecamatan (or village) inside the actor's scope, e.g. from the regency dashboard.
    region = request.GET.get("region") or None
    rows = reports.recipients(actor=actor, period=period, region=region)
    if what == "csv":
        return csv_response(
            [_("Programme"), _("Village code"), _("Village"), _("District"), _("Recipients")],
            [
                [
                    r["programme__code"],
                    r["village_id"],
                    r["village__name"],
                    r["village__parent__name"],
                    r["n"],
                ]
                for r in rows
            ],
            filename=f"welfare-recipients-{period}.csv",
            bom=True,
        )
    overlap = reports.overlap_matrix(actor=actor, period=period, region=region)
    if what == "overlap.csv":
        return csv_response(
            ["", *overlap.codes],
            [[code, *values] for code, values in overlap.rows()],
            filename=f"welfare-overlap-{period}.csv",
        )
    errors = reports.error_counts(actor=actor, period=period, region=region)
    if what == "errors.csv":
        return csv_response(
            [_("Village code"), _("Village"), _("Exclusion errors"), _("Inclusion errors")],
            [[e["village"], e["name"], e["exclusion"], e["inclusion"]] for e in errors],
            filename=f"welfare-errors-{period}.csv",
        )
    per_district: dict[str, dict[str, int]] = {}
    for r in rows:
        district = per_district.setdefault(r["village__parent__name"] or "–", {})
        district[r["programme__code"]] = district.get(r["programme__code"], 0) + r["n"]
    return render(
        request,
        "welfare/report.html",
        {
            "period": period,
            "region": region or "",
            "form": PeriodForm(initial={"period": period}),
            "rows": rows[:500],
            "per_district": sorted(per_district.items()),
            "overlap": overlap,
            "errors": errors,
            "exclusion_decile": reports.exclusion_decile(),
            "spm_outside": selectors.spm_outside_register_counts(actor=actor),
            "masked": mask_identifier,
        },
    )
