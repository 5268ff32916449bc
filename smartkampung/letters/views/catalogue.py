"""The catalogue of letter types (everyone logged in reads it; regency officers edit it), its
specimen PDFs, and the regency certificate authority's page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.regions.models import Level, Region

from .. import selectors
from ..composition import LetterSubject, compose_blocks, signer_position
from ..forms import LetterTypeForm, ReasonForm
from ..numbering import format_number
from ..pdf import LetterDocument, date_id, typeset
from ..permissions import (
    DEFAULT_APPROVER_ROLES,
    DEFAULT_VERIFIER_ROLES,
    can_manage_letter_types,
)
from ..services import catalogue as catalogue_services
from ..services.certificates import signer_certificate_revoke
from ..services.letters import letterhead_for


def _regency_code(request: HttpRequest) -> str:
    code = selectors.actor_regency_code(request.user) or selectors.default_regency_code()
    if code is None:
        raise NotFound()
    return code


@login_required
def type_list(request: HttpRequest) -> HttpResponse:
    regency = _regency_code(request)
    manage = can_manage_letter_types(request.user, regency)
    types = selectors.letter_type_list(regency_code=regency, include_inactive=manage)
    return render(request, "letters/type_list.html", {"types": types, "can_manage": manage})


@login_required
@require_http_methods(["GET", "POST"])
def type_create(request: HttpRequest) -> HttpResponse:
    regency = _regency_code(request)
    if not can_manage_letter_types(request.user, regency):
        raise NotFound()
    form = LetterTypeForm(
        request.POST or None,
        initial={
            "verifier_roles": list(DEFAULT_VERIFIER_ROLES),
            "approver_roles": list(DEFAULT_APPROVER_ROLES),
            "target_minutes": 1440,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter_type = catalogue_services.letter_type_create(
                actor=request.user, regency_code=regency, data=form.to_input()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The letter type has been added."))
            return redirect("letters:type_edit", code=letter_type.code)
    return render(
        request,
        "letters/type_form.html",
        {"form": form, "letter_type": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, code: str) -> HttpResponse:
    regency = _regency_code(request)
    if not can_manage_letter_types(request.user, regency):
        raise NotFound()
    letter_type = selectors.letter_type_get(regency_code=regency, code=code, include_inactive=True)
    form = LetterTypeForm.for_type(letter_type, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_services.letter_type_update(
                actor=request.user, letter_type_id=letter_type.pk, data=form.to_input()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The letter type has been saved."))
            return redirect("letters:type_edit", code=letter_type.code)
    return render(
        request,
        "letters/type_form.html",
        {"form": form, "letter_type": letter_type},
        status=400 if form.errors else 200,
    )


@login_required
def type_specimen(request: HttpRequest, code: str) -> HttpResponse:
    """A specimen PDF of the type (sample person, labels for the fields), marked not valid."""
    regency = _regency_code(request)
    letter_type = selectors.letter_type_get(
        regency_code=regency,
        code=code,
        include_inactive=can_manage_letter_types(request.user, regency),
    )
    village = (
        Region.objects.filter(level=Level.VILLAGE, code__startswith=regency + ".")
        .select_related("parent__parent")
        .order_by("code")
        .first()
    )
    if village is None:
        raise NotFound()
    head = letterhead_for(village)
    now = timezone.now()
    day = timezone.localdate(now)
    subject = LetterSubject(
        name="Nama Penduduk",
        nik="3510000000000000",
        sex="Perempuan",
        birth_place="Banyuwangi",
        birth_date=date_id(dt.date(1990, 1, 1)),
        religion="Islam",
        occupation="Wiraswasta",
        marital_status="Kawin",
        address="Dusun Krajan RT 001/RW 001",
    )
    values = {spec.key: f"[{spec.label}]" for spec in letter_type.field_specs}
    position = signer_position(head)
    doc = LetterDocument(
        regency=head.regency,
        district=head.district,
        village=head.village,
        village_kind=head.village_kind,
        title=letter_type.title,
        number=format_number(
            letter_type.number_format,
            number_code=letter_type.number_code,
            type_code=letter_type.code,
            number=0,
            village_code=village.code,
            day=day,
        ),
        blocks=tuple(
            compose_blocks(
                body=letter_type.body,
                subject=subject,
                field_specs=letter_type.field_specs,
                values=values,
                head=head,
                position=position,
                day=day,
            )
        ),
        place=head.village,
        date=date_id(day),
        position=position,
        signer="Nama Kepala Desa",
        verify_url="CONTOH",
        issued_at=now,
        specimen=True,
    )
    response = HttpResponse(typeset(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contoh-{letter_type.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    if not can_manage_letter_types(request.user, _regency_code(request)):
        raise NotFound()
    return render(
        request,
        "letters/certificates.html",
        {
            "authorities": selectors.authority_list(actor=request.user),
            "signers": selectors.signer_certificate_list(actor=request.user),
            "form": ReasonForm(),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("letters:certificates")
    try:
        signer_certificate_revoke(
            actor=request.user, certificate_id=certificate_id, reason=form.cleaned_data["reason"]
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The certificate has been revoked."))
    return redirect("letters:certificates")
