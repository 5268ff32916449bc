"""Demo data for letters: the default letter types, the regency CA and the signer certificates
of the demo village heads, and requests in every state in the demo villages (signed, revoked,
waiting for check, waiting for approval, returned, rejected), made through the services.

Deterministic and idempotent: a village that already has requests is left alone."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone

from smartkampung.accounts.demo import DEMO_VILLAGES
from smartkampung.accounts.models import User
from smartkampung.regions.models import Region

from .composition import signer_position
from .models import LetterRequest, LetterType, VillageOfficial
from .services import requests as request_services
from .services.catalogue import letter_types_install_defaults
from .services.certificates import authority_get_or_create, signer_certificate_current
from .services.letters import letter_revoke, letterhead_for
from .services.officials import village_official_save

REGENCY = "35.10"


def _jpeg(label: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (214, 228, 240))
    ImageDraw.Draw(image).text((24, 24), label, fill=(20, 40, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _pdf(label: str) -> bytes:
    import typst

    source = f'= {label}\n\n#text(fill: gray)["Dokumen contoh (demo)."]'.encode()
    return typst.compile(source, format="pdf")


def _uploads(letter_type: LetterType) -> list[request_services.Upload]:
    uploads = []
    for doc in letter_type.document_specs:
        if not doc.required:
            continue
        data = _pdf(doc.label) if "kk" in doc.key or "surat" in doc.key else _jpeg(doc.label)
        name = f"{doc.key}.{'pdf' if data.startswith(b'%PDF') else 'jpg'}"
        uploads.append(request_services.Upload(doc.key, name, data))
    return uploads


DEMO_VALUES = {
    "spm": {"keperluan": "pelayanan kesehatan gratis", "jumlah_tanggungan": "4"},
    "domisili": {"keperluan": "melamar pekerjaan"},
    "usaha": {
        "nama_usaha": "Warung Makan Bu Sri",
        "jenis_usaha": "warung makan",
        "keperluan": "pengajuan kredit usaha rakyat",
    },
    "pengantar-skck": {"keperluan": "melamar pekerjaan"},
    "pengantar-ktp-kk": {"jenis_permohonan": "pembuatan KTP-el baru"},
}


def _request(*, actor: Any, code: str, resident: Any, minutes_ago: int) -> LetterRequest:
    letter_type = LetterType.objects.get(regency_id=REGENCY, code=code)
    values = dict(DEMO_VALUES[code])
    values.update(request_services.prefill_values(letter_type, resident))
    request = request_services.letter_request_create(
        actor=actor,
        letter_type=letter_type,
        resident=resident,
        values=values,
        uploads=_uploads(letter_type),
        submit=True,
    )
    # As if it had been sent a while ago, so the service times are not all zero.
    LetterRequest.objects.filter(pk=request.pk).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return request


def _seed_requests(slug: str, code: str) -> None:
    from smartkampung.population.models import Resident

    if LetterRequest.objects.filter(village_id=code).exists():
        return
    operator = User.objects.filter(username=f"operator.{slug}").first()
    head = User.objects.filter(username=f"kades.{slug}").first()
    if operator is None or head is None:
        return
    living = Resident.objects.filter(village_id=code, status="alive").select_related(
        "village__parent__parent", "household"
    )
    citizen = living.filter(user__isnull=False).order_by("pk").first()
    others = list(
        living.filter(user__isnull=True, birth_date__lte=dt.date(2000, 1, 1)).order_by("pk")[:5]
    )
    if citizen is None or len(others) < 5:
        return
    services = request_services

    # Signed SPM of the demo citizen (online), 18 minutes from request to signature.
    spm = _request(actor=citizen.user, code="spm", resident=citizen, minutes_ago=18)
    services.letter_request_check(actor=operator, request_id=spm.pk)
    services.letter_request_approve(actor=head, request_id=spm.pk)
    # A domicile letter the citizen has just sent: waiting for the operator.
    _request(actor=citizen.user, code="domisili", resident=citizen, minutes_ago=4)
    # At the counter: a business letter checked, waiting for the head.
    usaha = _request(actor=operator, code="usaha", resident=others[0], minutes_ago=35)
    services.letter_request_check(actor=operator, request_id=usaha.pk)
    # Returned for correction.
    skck = _request(actor=operator, code="pengantar-skck", resident=others[1], minutes_ago=60)
    services.letter_request_return(
        actor=operator, request_id=skck.pk, reason="Foto KTP-el tidak terbaca; unggah ulang."
    )
    # Rejected by the head.
    ktp = _request(actor=operator, code="pengantar-ktp-kk", resident=others[2], minutes_ago=90)
    services.letter_request_reject(
        actor=head, request_id=ktp.pk, reason="KTP-el yang bersangkutan masih berlaku."
    )
    # An SPM signed, then revoked.
    revoked = _request(actor=operator, code="spm", resident=others[3], minutes_ago=26)
    services.letter_request_check(actor=operator, request_id=revoked.pk)
    letter = services.letter_request_approve(actor=head, request_id=revoked.pk).letter
    letter_revoke(actor=head, letter_id=letter.pk, reason="Data penghasilan keluarga tidak sesuai.")
    # One more signed SPM (at the counter), 41 minutes: over the 30-minute target.
    late = _request(actor=operator, code="spm", resident=others[4], minutes_ago=41)
    services.letter_request_check(actor=operator, request_id=late.pk)
    services.letter_request_approve(actor=head, request_id=late.pk)


def seed(*, write: Any = print) -> list[tuple[str, str, str, str]]:
    if not Region.objects.filter(code=REGENCY).exists():
        return []
    letter_types_install_defaults(regency_code=REGENCY)
    authority_get_or_create(regency_code=REGENCY)
    for slug, code in DEMO_VILLAGES.items():
        head = User.objects.filter(username=f"kades.{slug}").first()
        village = Region.objects.filter(code=code).select_related("parent__parent").first()
        if head is None or village is None:
            continue
        position = signer_position(letterhead_for(village))
        if not VillageOfficial.objects.filter(village_id=code, user=head).exists():
            # The village's list of officials: the head's printed name and title (ADR 0118).
            village_official_save(
                actor=head,
                village_code=code,
                name=head.display_name,
                position=position,
                user_id=head.pk,
            )
        signer_certificate_current(
            user_id=head.pk, village_code=code, name=head.display_name, position=position
        )
        _seed_requests(slug, code)
        count = LetterRequest.objects.filter(village_id=code).count()
        write(f"letters {village.name}: {count} requests")
    return []
