"""Device sessions of field staff, and the records their devices sent (with idempotency keys).

A record is what a device queued while offline: a progress report with photos, a counter
letter request, a posyandu visit. Only records the server accepted are stored here
(a refused or conflicting send changes nothing; the device keeps it and shows why). The
record's key is chosen by the device, so a resend of the same record finds the stored one
and answers with it instead of making a second report or request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeviceSession(models.Model):
    """A long-lived, revocable token of one device of a field worker. It authenticates as the
    user on the field API only, so it carries exactly the user's current roles and scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions"
    )
    name = models.CharField(_("device name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    user_agent = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("device session")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class FieldRecord(models.Model):
    """One record a device sent and the server accepted, found again by (user, key)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(
        DeviceSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    key = models.UUIDField(_("idempotency key"))
    # One of SK_FIELD_RECORD_KINDS (a new form adds a kind there, without a migration).
    kind = models.CharField(_("kind"), max_length=30)
    # SHA-256 of the canonical JSON of the payload: the same key with another payload is refused.
    payload_sha256 = models.CharField(max_length=64)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    # What the record became (one of them, by kind).
    report = models.ForeignKey(
        "projects.ProgressReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    letter_request = models.ForeignKey(
        "letters.LetterRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    growth_visit = models.ForeignKey(
        "health.GrowthVisit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # True when the user chose to add the photos to a report someone else made meanwhile.
    attached_to_existing = models.BooleanField(default=False)
    # The device's own facts: when the record was made, where the device was (and how sure it
    # was, and when it knew), and when the device sent it. ``received_at`` is the server's clock.
    captured_at = models.DateTimeField(_("made on the device at"), null=True, blank=True)
    device_lat = models.FloatField(null=True, blank=True)
    device_lng = models.FloatField(null=True, blank=True)
    device_accuracy_m = models.FloatField(null=True, blank=True)
    located_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent by the device at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("field record")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_field_record_key")
        ]
        indexes = [models.Index(fields=["village", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class FieldPhoto(models.Model):
    """A photo a record announced (by its SHA-256, computed on the device), uploaded through
    the projects app's resumable upload and checked against that hash before it is stored."""

    record = models.ForeignKey(FieldRecord, on_delete=models.CASCADE, related_name="photos")
    index = models.PositiveSmallIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    filename = models.CharField(max_length=120, blank=True, default="")
    # The device's capture time of this photo (the camera file's time), kept beside its EXIF.
    captured_at = models.DateTimeField(null=True, blank=True)
    upload_id = models.UUIDField(null=True, blank=True)
    photo = models.ForeignKey(
        "projects.ProgressPhoto", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["record", "index"], name="unique_field_photo_index")
        ]

    def __str__(self) -> str:
        return f"photo {self.index} of {self.record_id}"
