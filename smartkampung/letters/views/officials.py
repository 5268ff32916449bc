"""The village's list of officials (ADR 0118): who signs, with the name and title the letter
prints. Its staff read it; the head or secretary keeps it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartkampung.accounts.models import RoleAssignment
from smartkampung.accounts.permissions import scope_codes
from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.regions.models import Region

from .. import selectors
from ..forms import VillageOfficialForm
from ..permissions import VILLAGE_LETTER_STAFF, can_keep_officials
from ..services.officials import village_official_save


def _village_code(request: HttpRequest) -> str:
    """``?village=``, else the one village the actor works in."""
    wanted = request.GET.get("village", "")
    if wanted:
        return wanted
    codes = [c for c in scope_codes(request.user, VILLAGE_LETTER_STAFF) if c.count(".") == 3]
    if len(codes) != 1:
        raise NotFound()
    return codes[0]


def _logins(village_code: str) -> list[tuple[int, str]]:
    grants = (
        RoleAssignment.objects.filter(scope_id=village_code, role__in=VILLAGE_LETTER_STAFF)
        .select_related("user")
        .order_by("user__username")
    )
    seen: dict[int, str] = {}
    for grant in grants:
        seen.setdefault(grant.user_id, f"{grant.user.display_name} ({grant.user.username})")
    return list(seen.items())


@login_required
@require_http_methods(["GET", "POST"])
def officials(request: HttpRequest) -> HttpResponse:
    code = _village_code(request)
    entries = list(selectors.village_official_list(actor=request.user, village_code=code))
    village = Region.objects.filter(code=code).first()
    can_keep = can_keep_officials(request.user, code)
    editing = None
    edit_id = request.POST.get("official") or request.GET.get("edit")
    if edit_id and str(edit_id).isdigit():
        editing = next((e for e in entries if e.pk == int(edit_id)), None)
        if editing is None:
            raise NotFound()
    initial = (
        {
            "name": editing.name,
            "position": editing.position,
            "nip": editing.nip,
            "user": editing.user_id or "",
            "is_active": editing.is_active,
        }
        if editing
        else {"is_active": True}
    )
    form = VillageOfficialForm(
        request.POST if request.method == "POST" else None, logins=_logins(code), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            village_official_save(
                actor=request.user,
                village_code=code,
                official_id=editing.pk if editing else None,
                name=data["name"],
                position=data["position"],
                nip=data["nip"],
                user_id=data["user"],
                is_active=data["is_active"],
            )
        except NotFound:
            raise
        except DomainError as exc:
            if exc.status == 403:
                raise
            field = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The list of officials has been saved."))
            return redirect(f"{request.path}?village={code}")
    return render(
        request,
        "letters/officials.html",
        {
            "village": village,
            "code": code,
            "entries": entries,
            "form": form,
            "editing": editing,
            "can_keep": can_keep,
        },
        status=400 if form.errors else 200,
    )
