"""Requests for letters (permohonan): who asked, for whom, what they filled and attached, and
every status change. A request becomes a ``Letter`` when the village head approves it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for check")
    RETURNED = "returned", _("returned for correction")
    VERIFIED = "verified", _("checked, waiting for approval")
    APPROVED = "approved", _("approved, being signed")
    ISSUED = "issued", _("signed, ready to download")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


# Requests the village office still has to act on (the backlog).
OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.VERIFIED, RequestStatus.APPROVED)
# Requests the applicant may still change.
EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.RETURNED)


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    COUNTER = "counter", _("at the counter")


class LetterRequest(models.Model):
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    letter_type = models.ForeignKey(
        "letters.LetterType",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("letter type"),
    )
    # The person the letter is about (taken from the register at approval).
    resident = models.ForeignKey(
        "population.Resident",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("resident"),
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    # The citizen who follows the request and is notified (none for a resident without login).
    applicant = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    values = models.JSONField(_("filled fields"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    # The reason given with the last return or rejection, shown to the applicant.
    status_reason = models.TextField(pgettext_lazy("decision", "reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The first submission: the service time is measured from here to the signed letter.
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("letter request")
        verbose_name_plural = _("letter requests")
        indexes = [
            models.Index(fields=["village", "status", "submitted_at"]),
            models.Index(fields=["requested_by", "created_at"]),
            models.Index(fields=["applicant", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.letter_type_id} #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class RequestEvent(models.Model):
    """One status change of a request (its history, shown to the applicant)."""

    request = models.ForeignKey(LetterRequest, on_delete=models.CASCADE, related_name="events")
    status_from = models.CharField(max_length=10, choices=RequestStatus.choices, blank=True)
    status_to = models.CharField(max_length=10, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status_from}→{self.status_to}"


class Attachment(models.Model):
    """A document attached to a request, checked by content before it was stored."""

    request = models.ForeignKey(LetterRequest, on_delete=models.CASCADE, related_name="attachments")
    document_key = models.CharField(max_length=40)
    file = models.FileField(upload_to="letter-requests/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=120, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_key", "created_at"]

    def __str__(self) -> str:
        return f"{self.document_key} ({self.content_type})"
