"""Demo data for letters: the default letter types, the regency CA and the signer certificates
of the demo village heads. (Letters in various states are added once residents exist.)

Deterministic and idempotent: running it again adds nothing."""

from __future__ import annotations

from smartkampung.accounts.demo import DEMO_VILLAGES
from smartkampung.accounts.models import User
from smartkampung.regions.models import Region

from .composition import signer_position
from .services.catalogue import letter_types_install_defaults
from .services.certificates import authority_get_or_create, signer_certificate_current
from .services.letters import letterhead_for

REGENCY = "35.10"


def seed(*, write: object = print) -> list[tuple[str, str, str, str]]:
    if not Region.objects.filter(code=REGENCY).exists():
        return []
    letter_types_install_defaults(regency_code=REGENCY)
    authority_get_or_create(regency_code=REGENCY)
    for slug, code in DEMO_VILLAGES.items():
        head = User.objects.filter(username=f"kades.{slug}").first()
        village = Region.objects.filter(code=code).select_related("parent__parent").first()
        if head is None or village is None:
            continue
        signer_certificate_current(
            user_id=head.pk,
            village_code=code,
            name=head.display_name,
            position=signer_position(letterhead_for(village)),
        )
    return []
