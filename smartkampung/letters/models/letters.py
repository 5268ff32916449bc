"""Issued letters and their numbers.

A letter is numbered in the same transaction that creates its row, from a counter row locked with
``SELECT … FOR UPDATE`` (ADR 0041): a number is never used twice, and because a rolled-back
transaction also rolls back the counter, no number is ever skipped.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """The last number given in one village, sequence (a type code or ``*``) and year."""

    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village", "key", "year"], name="letters_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.key} {self.year}: {self.last_number}"


class LetterStatus(models.TextChoices):
    SIGNING = "signing", _("being signed")
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")


class Letter(models.Model):
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="letters")
    letter_type = models.ForeignKey(
        "letters.LetterType", on_delete=models.PROTECT, related_name="letters"
    )
    request = models.OneToOneField(
        "letters.LetterRequest",
        on_delete=models.PROTECT,
        related_name="letter",
        null=True,
        blank=True,
    )
    # Numbering: the counter it came from, and the formatted number printed on the letter.
    sequence_key = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    sequence_number = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=120)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Public verification token (the QR code's /v/<token>): random, 192 bits.
    token = models.CharField(max_length=64, unique=True)
    # What the letter says, frozen at issue: subject (name, NIK, …) and the filled fields.
    subject_name = models.CharField(max_length=150)
    subject_nik = models.CharField(max_length=16, blank=True)
    content = models.JSONField(default=dict)
    signer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    signer_name = models.CharField(max_length=150)
    signer_position = models.CharField(max_length=150)
    # Set once the PDF is typeset and signed (a failed signature is retried, the number stays).
    pdf = models.FileField(upload_to="letters/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signature_reference = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # Seconds from the request's submission to the signed letter (the service-time measure).
    issue_seconds = models.PositiveIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "sequence_key", "year", "sequence_number"],
                name="letters_number_unique",
            ),
            models.UniqueConstraint(fields=["village", "number"], name="letters_text_unique"),
        ]
        indexes = [
            models.Index(fields=["village", "issued_at"]),
            models.Index(fields=["letter_type", "issued_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: dt.date) -> str:
        if self.revoked_at is not None:
            return LetterStatus.REVOKED
        if self.signed_at is None:
            return LetterStatus.SIGNING
        if self.valid_until is not None and day > self.valid_until:
            return LetterStatus.EXPIRED
        return LetterStatus.VALID

    @property
    def issue_minutes(self) -> float | None:
        return None if self.issue_seconds is None else self.issue_seconds / 60

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None and bool(self.pdf)
