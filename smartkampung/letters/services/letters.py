"""Issuing letters: number, compose, typeset, sign, store; and revoking them.

Numbering and the letter row are one short transaction (the counter row stays locked only for
that); typesetting and signing run after it commits. If signing fails the letter keeps its
number and is signed on retry (``letter_sign`` is idempotent), so no number is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung import audit
from smartkampung.core.exceptions import NotFound, PermissionDenied
from smartkampung.regions.models import Kind, Region

from ..composition import (
    Letterhead,
    LetterSubject,
    compose_blocks,
    signer_name_for,
    signer_position,
)
from ..exceptions import LetterConflict, LetterErrorCode, LetterInvalid
from ..fields import printable_values
from ..models import Letter, LetterType
from ..numbering import number_allocate
from ..pdf import Block, LetterDocument, date_id, typeset
from ..permissions import can_approve, can_view_village_letters
from ..selectors import signing_official
from ..signing import SignerIdentity, signing_backend

TOKEN_BYTES = 24  # 192 bits: unguessable


def letterhead_for(village: Region) -> Letterhead:
    district = village.parent
    regency = district.parent if district is not None else None
    return Letterhead(
        regency=regency.name if regency is not None else "",
        district=district.name if district is not None else "",
        village=village.name,
        village_kind="Kelurahan" if village.kind == Kind.KELURAHAN else "Desa",
    )


def verify_url(token: str) -> str:
    base = getattr(settings, "SK_PUBLIC_BASE_URL", "").rstrip("/")
    return base + reverse("verify:letter", kwargs={"token": token})


def trust_url() -> str:
    """The page that publishes the regency CA and how to trust it (printed in the footer)."""
    base = getattr(settings, "SK_PUBLIC_BASE_URL", "").rstrip("/")
    return base + reverse("verify:trust")


def letter_create_numbered(
    *,
    letter_type: LetterType,
    village: Region,
    subject: LetterSubject,
    values: dict[str, str],
    signer: Any,
    now: dt.datetime,
    request: Any = None,
) -> Letter:
    """Number and store a letter (not yet signed). Runs inside the caller's transaction."""
    day = timezone.localdate(now)
    head = letterhead_for(village)
    # The name and title the village wrote in its list of officials (ADR 0118); without an
    # entry, the account's name and the title of the village's head.
    official = signing_official(village_code=village.code, user=signer)
    position = official.position if official else signer_position(head)
    allocated = number_allocate(village_code=village.code, letter_type=letter_type, day=day)
    blocks = compose_blocks(
        body=letter_type.body,
        subject=subject,
        field_specs=letter_type.field_specs,
        values=printable_values(letter_type.field_specs, values),
        head=head,
        position=position,
        day=day,
    )
    valid_until = (
        day + dt.timedelta(days=letter_type.validity_days) if letter_type.validity_days else None
    )
    return Letter.objects.create(
        village=village,
        letter_type=letter_type,
        request=request,
        sequence_key=allocated.sequence_key,
        year=allocated.year,
        sequence_number=allocated.sequence_number,
        number=allocated.text,
        issued_at=now,
        valid_until=valid_until,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        subject_name=subject.name[:150],
        subject_nik=subject.nik[:16],
        content={
            "title": letter_type.title,
            "letterhead": {
                "regency": head.regency,
                "district": head.district,
                "village": head.village,
                "village_kind": head.village_kind,
            },
            "blocks": [
                {"kind": b.kind, "text": b.text, "rows": [list(r) for r in b.rows]} for b in blocks
            ],
            "subject": subject.as_dict(),
            "fields": values,
            "date": date_id(day),
        },
        signer=signer,
        signer_name=(
            official.name
            if official
            else signer_name_for(getattr(signer, "display_name", "") or str(signer), position)
        )[:150],
        signer_position=position,
    )


def letter_document(letter: Letter) -> LetterDocument:
    """What is typeset, rebuilt from the letter's frozen content."""
    content = letter.content
    head = content["letterhead"]
    return LetterDocument(
        regency=head["regency"],
        district=head["district"],
        village=head["village"],
        village_kind=head["village_kind"],
        title=content["title"],
        number=letter.number,
        blocks=tuple(
            Block(
                kind=b["kind"],
                text=b.get("text", ""),
                rows=tuple((str(r[0]), str(r[1])) for r in b.get("rows", [])),
            )
            for b in content["blocks"]
        ),
        place=head["village"],
        date=content["date"],
        position=letter.signer_position,
        signer=letter.signer_name,
        verify_url=verify_url(letter.token),
        issued_at=letter.issued_at,
        trust_url=trust_url(),
    )


def _signer_identity(letter: Letter) -> SignerIdentity:
    if letter.signer_id is None:
        raise LetterInvalid(_("The letter has no signer."), code=LetterErrorCode.NO_SIGNER)
    return SignerIdentity(
        user_id=letter.signer_id,
        name=letter.signer_name,
        position=letter.signer_position,
        village_code=letter.village_id,
        village_name=letter.content["letterhead"]["village"],
    )


def typeset_and_sign(letter: Letter) -> tuple[bytes, str]:
    """The signed PDF of a letter and the signature's reference."""
    pdf = typeset(letter_document(letter))
    head = letter.content["letterhead"]
    signed = signing_backend().sign(
        pdf,
        signer=_signer_identity(letter),
        reason=f"{letter.content['title']} {letter.number}",
        location=f"{head['village_kind']} {head['village']}, {head['regency']}",
    )
    return signed.data, signed.reference


def letter_sign(*, letter_id: int) -> Letter:
    """Typeset, sign and store the PDF of a numbered letter. Idempotent."""
    letter = Letter.objects.select_related("letter_type").filter(pk=letter_id).first()
    if letter is None:
        raise NotFound(_("Not found."))
    if letter.signed_at is not None or letter.revoked_at is not None:
        return letter
    data, reference = typeset_and_sign(letter)
    digest = hashlib.sha256(data).hexdigest()
    name = default_storage.save(
        f"letters/{letter.village_id}/{letter.year}/{letter.pk}-{digest[:16]}.pdf",
        ContentFile(data),
    )
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.signed_at is not None:  # signed meanwhile by a retry
            transaction.on_commit(lambda: default_storage.delete(name))
            return locked
        locked.pdf.name = name
        locked.pdf_sha256 = digest
        locked.signature_reference = reference[:200]
        locked.signed_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_sha256", "signature_reference", "signed_at"])
        from .requests import request_letter_signed

        request_letter_signed(letter=locked)
        audit.record(
            None, "letters.letter_sign", locked, {"number": locked.number, "sha256": digest}
        )
    return locked


def letter_sign_or_defer(*, letter_id: int) -> Letter:
    """Sign now; if that fails, leave the letter numbered and retry in the background."""
    try:
        return letter_sign(letter_id=letter_id)
    except Exception:  # the number is kept; signing is retried by the task and the command
        import logging

        logging.getLogger(__name__).exception("signing letter %s failed", letter_id)
        from ..tasks import letter_sign as task

        task.enqueue(letter_id)
        return Letter.objects.get(pk=letter_id)


def letter_revoke(*, actor: Any, letter_id: int, reason: str) -> Letter:
    """Revoke an issued letter (the village head); the verification page then says so."""
    letter = Letter.objects.select_related("letter_type").filter(pk=letter_id).first()
    if letter is None or not can_view_village_letters(actor, letter.village_id):
        raise NotFound(_("Not found."))
    if not can_approve(actor, letter.letter_type.approver_roles, letter.village_id):
        raise PermissionDenied(_("Only the village head may revoke a letter."))
    reason = (reason or "").strip()
    if not reason:
        raise LetterInvalid(
            _("Give the reason for revoking the letter."), code=LetterErrorCode.REASON_REQUIRED
        )
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.revoked_at is not None:
            raise LetterConflict(
                _("The letter is already revoked."), code=LetterErrorCode.ALREADY_REVOKED
            )
        letter.revoked_at = timezone.now()
        letter.revoked_by = actor
        letter.revoke_reason = reason[:1000]
        letter.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        from .requests import request_letter_revoked

        request_letter_revoked(letter=letter, actor=actor)
        audit.record(actor, "letters.letter_revoke", letter, {"number": letter.number})
    return letter


def letter_pdf_matches(*, letter: Letter, data: bytes) -> bool:
    """True if ``data`` is exactly the signed PDF issued under this letter's code."""
    return bool(letter.pdf_sha256) and secrets.compare_digest(
        hashlib.sha256(data).hexdigest(), letter.pdf_sha256
    )
