"""Current user and personal API tokens."""

from django.http import HttpRequest
from ninja import Router, Status

from smartkampung.core.api import ERRORS

from . import selectors, services
from .models import ApiToken, User
from .schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut

router = Router(tags=["accounts"])


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _token_out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The current user and their roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = _actor(request)
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.display_name,
        "totp_enabled": user.totp_enabled,
        "roles": [
            {"role": g.role, "scope": g.scope_id, "scope_name": g.scope.name}
            for g in selectors.role_assignment_list(user=user)
        ],
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(t) for t in selectors.api_token_list(actor=_actor(request))]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    summary="Create a token (its secret is returned once)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, secret = services.api_token_create(
        actor=_actor(request), name=payload.name, expires_in_days=payload.expires_in_days
    )
    return Status(201, {**_token_out(token), "token": secret})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke a token")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    services.api_token_revoke(actor=_actor(request), token_id=token_id)
    return Status(204, None)
