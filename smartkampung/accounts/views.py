"""Account pages: thin views that parse input and call one service each."""

from __future__ import annotations

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from smartkampung.core.exceptions import DomainError, NotFound
from smartkampung.core.inbox import inbox_for
from smartkampung.core.navigation import collect_from_apps
from smartkampung.core.pagination import paginate

from . import selectors, services
from .exceptions import LockedOut
from .forms import (
    LockoutUnlockForm,
    LoginForm,
    PasswordChangeForm,
    RoleGrantForm,
    TokenCreateForm,
    TotpForm,
    UserCreateForm,
)
from .models import Role, User
from .permissions import can_manage_users, has_role_anywhere

PENDING_2FA_KEY = "sk_pending_2fa"
PENDING_2FA_SECONDS = 300
# The account this browser unlocked with its authenticator code (ADR 0065), for one window.
UNLOCKED_KEY = "sk_unlocked"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(settings.SK_ANONYMOUS_HOME_URL)
    user = _user(request)
    grants = selectors.role_assignment_list(user=user)
    return render(request, "accounts/home.html", {"roles": grants, "inbox": inbox_for(user)})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _finish_login(request: HttpRequest, user: User) -> HttpResponse:
    services.login_succeeded(user=user)
    request.session.pop(UNLOCKED_KEY, None)
    backend = getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0]
    login(request, user, backend=backend)
    if user.must_change_password:
        messages.warning(request, _("Please choose a new password."))
        return redirect("accounts:password_change")
    return HttpResponseRedirect(_safe_next(request))


def _unlocked_user_id(request: HttpRequest) -> int | None:
    unlocked = request.session.get(UNLOCKED_KEY)
    window = settings.SK_LOCKOUT_WINDOW_MINUTES * 60
    if not unlocked or time.time() - unlocked.get("at", 0) > window:
        return None
    user_id = unlocked.get("user")
    return user_id if isinstance(user_id, int) else None


def _login_page(
    request: HttpRequest, form: LoginForm, *, unlock_form: LockoutUnlockForm | None = None
) -> HttpResponse:
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _safe_next(request), "unlock_form": unlock_form},
        status=400 if form.errors or (unlock_form and unlock_form.errors) else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    unlock_form = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                unlocked_user_id=_unlocked_user_id(request),
            )
        except LockedOut as exc:
            form.add_error(None, exc.message)
            # Offered to everyone, so the page tells nothing about the account (ADR 0065).
            unlock_form = LockoutUnlockForm(
                prefix="unlock", initial={"username": form.cleaned_data["username"]}
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if user.totp_enabled:
                request.session[PENDING_2FA_KEY] = {
                    "user": user.pk,
                    "at": int(time.time()),
                    "backend": getattr(user, "backend", ""),
                }
                return redirect(f"{reverse('accounts:login_2fa')}?next={_safe_next(request)}")
            return _finish_login(request, user)
    return _login_page(request, form, unlock_form=unlock_form)


@never_cache
@require_POST
def login_unlock_view(request: HttpRequest) -> HttpResponse:
    """Lift a lockout with the authenticator code; the password is asked next, as usual."""
    unlock_form = LockoutUnlockForm(request.POST, prefix="unlock")
    if unlock_form.is_valid():
        try:
            user = services.lockout_unlock(
                request=request,
                username=unlock_form.cleaned_data["username"],
                code=unlock_form.cleaned_data["code"],
            )
        except DomainError as exc:
            unlock_form.add_error("code", exc.message)
        else:
            request.session[UNLOCKED_KEY] = {"user": user.pk, "at": int(time.time())}
            messages.success(request, _("Unlocked. Log in with your password."))
            return redirect(f"{reverse('accounts:login')}?next={_safe_next(request)}")
    form = LoginForm(initial={"username": request.POST.get("unlock-username", "")[:150]})
    return _login_page(request, form, unlock_form=unlock_form)


@never_cache
@require_http_methods(["GET", "POST"])
def login_2fa_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_2FA_KEY)
    user = None
    if pending and time.time() - pending.get("at", 0) < PENDING_2FA_SECONDS:
        user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
        if user is not None and pending.get("backend") in settings.AUTHENTICATION_BACKENDS:
            setattr(user, "backend", pending["backend"])  # noqa: B010 - set by authenticate()
    if user is None:
        request.session.pop(PENDING_2FA_KEY, None)
        messages.error(request, _("Your login took too long. Please start again."))
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.login_check_second_factor(
                request=request,
                user=user,
                code=form.cleaned_data["code"],
                unlocked_user_id=_unlocked_user_id(request),
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(PENDING_2FA_KEY, None)
            return _finish_login(request, user)
    return render(request, "accounts/login_2fa.html", {"form": form, "next": _safe_next(request)})


@login_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    """The village head's list of staff with failed logins (ADR 0065)."""
    user = _user(request)
    if not has_role_anywhere(user, {Role.VILLAGE_HEAD}):
        raise NotFound()
    return render(
        request,
        "accounts/lockout_list.html",
        {"rows": selectors.lockout_watch_list(actor=user), "hours": selectors.LOCKOUT_WATCH_HOURS},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("accounts:login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # Facts other apps know about the account (a citizen's NIK, masked, from the register).
    facts = collect_from_apps("account_facts", user)
    return render(
        request,
        "accounts/profile.html",
        {
            "grants": selectors.role_assignment_list(user=user),
            "facts": facts,
            # A citizen logs in with their NIK: the internal username means nothing to them.
            "show_username": not any(getattr(f, "replaces_username", False) for f in facts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=_user(request),
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            update_session_auth_hash(request, _user(request))
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context: dict[str, object] = {"form": TotpForm()}
    action = request.POST.get("action")
    try:
        if action == "begin":
            uri = services.totp_begin(actor=user, password=request.POST.get("password", ""))
            context["qr_svg"] = segno.make(uri, error="m").svg_inline(scale=4)
            context["secret_uri"] = uri
        elif action == "confirm":
            form = TotpForm(request.POST)
            if form.is_valid():
                services.totp_confirm(actor=user, code=form.cleaned_data["code"])
                messages.success(request, _("Two-factor login is on."))
                return redirect("accounts:profile")
            context["form"] = form
        elif action == "disable":
            services.totp_disable(actor=user, password=request.POST.get("password", ""))
            messages.success(request, _("Two-factor login is off."))
            return redirect("accounts:profile")
    except DomainError as exc:
        messages.error(request, exc.message)
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenCreateForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            services.api_token_revoke(actor=user, token_id=int(request.POST.get("token", "0")))
            messages.success(request, _("The token has been revoked."))
        except (DomainError, ValueError):
            messages.error(request, _("Token not found."))
        return redirect("accounts:tokens")
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                actor=user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
            form = TokenCreateForm()
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.api_token_list(actor=user), "new_secret": new_secret},
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not can_manage_users(actor):
        raise NotFound()
    search = request.GET.get("q", "").strip()[:100]
    page, qs_base = paginate(request, selectors.user_list(actor=actor, search=search))
    return render(
        request,
        "accounts/user_list.html",
        {"page_obj": page, "querystring_base": qs_base, "q": search},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    if not can_manage_users(actor):
        raise NotFound()
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            messages.success(request, _("The account has been created."))
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _user(request)
    subject = selectors.user_get(actor=actor, user_id=user_id)
    form = RoleGrantForm(request.POST if request.POST.get("action") == "grant" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                services.role_revoke(actor=actor, assignment_id=int(request.POST.get("grant", "0")))
                messages.success(request, _("The role has been revoked."))
                return redirect("accounts:user_detail", user_id=subject.pk)
            if form.is_valid():
                services.role_grant(
                    actor=actor,
                    user=subject,
                    role=form.cleaned_data["role"],
                    scope=form.cleaned_data["scope"],
                )
                messages.success(request, _("The role has been granted."))
                return redirect("accounts:user_detail", user_id=subject.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
        except ValueError:
            form.add_error(None, _("Role grant not found."))
    return render(
        request,
        "accounts/user_detail.html",
        {"subject": subject, "grants": selectors.role_assignment_list(user=subject), "form": form},
    )
