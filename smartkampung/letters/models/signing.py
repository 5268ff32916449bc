"""The regency certificate authority and the signers' certificates (local signing backend).

Private keys are stored encrypted (``core.crypto``, ADR 0043); the CA signs one certificate per
signer (a village head in a village), which signs that village's letters.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateAuthority(models.Model):
    regency = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("regency")
    )
    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField()
    key_encrypted = models.TextField()
    fingerprint_sha256 = models.CharField(max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The regency's time-stamping authority (RFC 3161, ADR 0110): a certificate under this CA,
    # issued with its key on the first timestamp.
    tsa_certificate_pem = models.TextField(blank=True, default="")
    tsa_key_encrypted = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("certificate authority")

    def __str__(self) -> str:
        return self.name


class SignerCertificate(models.Model):
    authority = models.ForeignKey(
        CertificateAuthority, on_delete=models.PROTECT, related_name="signers"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    common_name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150)
    serial_hex = models.CharField(_("serial number"), max_length=40, unique=True)
    certificate_pem = models.TextField()
    key_encrypted = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signer certificate")
        indexes = [models.Index(fields=["user", "village"])]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial_hex[:8]}…)"
