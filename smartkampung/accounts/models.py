"""Users, roles granted on a scope node of the region tree, API tokens, failed logins."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.regions.models import Level, Region


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    VILLAGE_SECRETARY = "village_secretary", _("Village secretary")
    VILLAGE_TREASURER = "village_treasurer", _("Village treasurer")
    VILLAGE_HEAD = "village_head", _("Village head")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    REGENCY_OFFICER = "regency_officer", _("Regency officer")
    INSPECTOR = "inspector", _("Inspector")
    SOCIAL_OFFICER = "social_officer", _("Social affairs officer")
    HEALTH_OFFICER = "health_officer", _("Health office")
    POSYANDU_CADRE = "posyandu_cadre", _("Posyandu cadre")
    BUMDES_MANAGER = "bumdes_manager", _("BUMDes manager")


# The level of the region tree on which each role is granted.
ROLE_SCOPE_LEVEL: dict[str, str] = {
    Role.CITIZEN: Level.VILLAGE,
    Role.VILLAGE_OPERATOR: Level.VILLAGE,
    Role.VILLAGE_SECRETARY: Level.VILLAGE,
    Role.VILLAGE_TREASURER: Level.VILLAGE,
    Role.VILLAGE_HEAD: Level.VILLAGE,
    Role.DISTRICT_OFFICER: Level.DISTRICT,
    Role.REGENCY_OFFICER: Level.REGENCY,
    Role.INSPECTOR: Level.REGENCY,
    Role.SOCIAL_OFFICER: Level.REGENCY,
    Role.HEALTH_OFFICER: Level.REGENCY,
    # Granted on the village; the health app ties a cadre to one posyandu of it.
    Role.POSYANDU_CADRE: Level.VILLAGE,
    # Granted on the village; the economy app ties a manager to one enterprise of it.
    Role.BUMDES_MANAGER: Level.VILLAGE,
}

VILLAGE_STAFF_ROLES = frozenset(
    {Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_TREASURER, Role.VILLAGE_HEAD}
)
# The domain roles added for welfare, health and the economy (social officer, health office,
# posyandu cadre, BUMDes manager) are deliberately not official roles: each domain app names
# what they may see, so none of them reads the population register by default.
OFFICIAL_ROLES = VILLAGE_STAFF_ROLES | {
    Role.DISTRICT_OFFICER,
    Role.REGENCY_OFFICER,
    Role.INSPECTOR,
}


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # TOTP secret, encrypted at rest (accounts.crypto); empty when two-factor login is off.
    totp_secret_encrypted = models.TextField(blank=True, default="")
    totp_enabled = models.BooleanField(_("two-factor login"), default=False)
    # A new secret being enrolled (encrypted): the current one stays in force until the new
    # one is confirmed with a code from it.
    totp_pending_secret_encrypted = models.TextField(blank=True, default="")
    totp_last_step = models.BigIntegerField(default=0)  # refuses replay of a used code
    must_change_password = models.BooleanField(default=False)
    # A citizen's account: logs in with the NIK only; its username is an internal label.
    login_with_nik = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("scope")
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope"], name="unique_role_grant")
        ]
        indexes = [models.Index(fields=["role", "scope"])]

    def __str__(self) -> str:
        return f"{self.user} {self.role}@{self.scope_id}"


class LoginFailure(models.Model):
    """One failed login; recent rows decide lockout per account and per address.

    ``account_key`` is a SHA-256: of the account the typed name belongs to (one counter per
    person, whatever name they typed), or of the typed name when it belongs to no account (a
    citizen's login name is their NIK, never stored in clear)."""

    account_key = models.CharField(max_length=64, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"failed login {self.created_at:%Y-%m-%d %H:%M} from {self.address}"

    @staticmethod
    def user_key(user_id: int) -> str:
        """The counter of an account's failed logins (password and second factor)."""
        return hashlib.sha256(f"user:{user_id}".encode()).hexdigest()

    @staticmethod
    def unlock_key(user_id: int) -> str:
        """The counter of an account's wrong codes at the lockout's unlock (ADR 0065)."""
        return hashlib.sha256(f"unlock:{user_id}".encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
