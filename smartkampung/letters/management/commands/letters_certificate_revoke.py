from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.accounts.models import User
from smartkampung.core.exceptions import DomainError
from smartkampung.letters.models import SignerCertificate
from smartkampung.letters.services.certificates import signer_certificate_revoke


class Command(BaseCommand):
    help = (
        "Revoke a signer certificate (a lost key, a head who left office), as the regency "
        "officer named by --by. Audited; the CRL published at /v/ca/<regency>.crl lists it at "
        "once. Letters signed before stay valid: their timestamps predate the revocation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial", help="the certificate's serial number (hex)")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--by", required=True, help="username of a regency officer")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {options['by']!r}")
        serial = options["serial"].strip().lower().removeprefix("0x").replace(":", "")
        cert = SignerCertificate.objects.filter(serial_hex=serial).first()
        if cert is None:
            raise CommandError(f"no signer certificate with serial {serial!r}")
        try:
            revoked = signer_certificate_revoke(
                actor=actor, certificate_id=cert.pk, reason=options["reason"]
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"revoked {revoked.serial_hex} ({revoked.common_name}, {revoked.position}) "
            f"at {revoked.revoked_at:%Y-%m-%d %H:%M:%S %Z}"
        )
