from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone


@pytest.fixture
def spm_letter(regions_loaded: Any, make_user: Any, settings: Any) -> Any:
    """One signed SPM, issued through the letters services."""
    from conftest import SARONGAN
    from smartkampung.accounts.models import Role
    from smartkampung.letters.models import LetterType
    from smartkampung.letters.services.catalogue import letter_types_install_defaults
    from smartkampung.letters.services.letters import letter_create_numbered, letter_sign
    from smartkampung.letters.tests.conftest import SUBJECT
    from smartkampung.regions.models import Region

    settings.SK_LETTERS_KEY_ALGORITHM = "ec"
    settings.SK_LETTERS_NOTIFICATION_BACKEND = "smartkampung.letters.notifications.LocmemBackend"
    letter_types_install_defaults(regency_code="35.10")
    head = make_user("kades.ops", roles=[(Role.VILLAGE_HEAD, SARONGAN)], full_name="Budi")
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    with transaction.atomic():
        letter = letter_create_numbered(
            letter_type=spm,
            village=Region.objects.get(code=SARONGAN),
            subject=SUBJECT,
            values={"keperluan": "pelayanan kesehatan gratis"},
            signer=head,
            now=timezone.now(),
        )
    return letter_sign(letter_id=letter.pk)
