"""The register's part of the work inbox (``PopulationConfig.inbox_sections``).

For those who keep the register (village operator, secretary): imports refused in the last
30 days, living residents whose data are incomplete — here, those in no household (no KK),
which every letter and statistic needs — and transfers from other villages waiting for their
decision (ADR 0064). One query each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.permissions import has_role_anywhere, scope_q
from smartkampung.core.inbox import InboxItem, InboxSection, first_with_total

from .models import ImportJob, TransferRequest
from .permissions import REGISTER_WRITE_ROLES
from .selectors import resident_list, transfer_list

FAILED_IMPORT_DAYS = 30


def inbox_sections(actor: Any) -> list[InboxSection]:
    if not has_role_anywhere(actor, REGISTER_WRITE_ROLES):
        return []
    since = timezone.now() - dt.timedelta(days=FAILED_IMPORT_DAYS)
    jobs, failed = first_with_total(
        ImportJob.objects.filter(
            scope_q(actor, REGISTER_WRITE_ROLES),
            state=ImportJob.State.FAILED,
            created_at__gte=since,
        ).order_by("-created_at", "-pk")
    )
    residents, incomplete = first_with_total(
        resident_list(actor=actor, roles=REGISTER_WRITE_ROLES).filter(household__isnull=True)
    )
    transfers, incoming = first_with_total(
        transfer_list(
            actor=actor,
            direction="incoming",
            status=TransferRequest.Status.PENDING,
            roles=REGISTER_WRITE_ROLES,
        ).order_by("requested_at", "pk")
    )
    return [
        InboxSection(
            key="population.transfers_incoming",
            title=_("Transfers from other villages to accept or refuse"),
            count=incoming,
            url=reverse("population:transfer_list") + "#incoming",
            items=tuple(
                InboxItem(
                    label=t.resident.full_name,
                    url=reverse("population:transfer_list") + f"#transfer-{t.pk}",
                    note=_("from %(village)s") % {"village": t.village.name},
                )
                for t in transfers
            ),
            order=29,
        ),
        InboxSection(
            key="population.failed_imports",
            title=_("Resident imports refused (last 30 days)"),
            count=failed,
            url=reverse("population:import"),
            items=tuple(
                InboxItem(
                    label=job.file_name,
                    url=reverse("population:import_job", args=[job.pk]),
                    note=_("%(n)s errors") % {"n": job.error_count},
                )
                for job in jobs
            ),
            order=30,
        ),
        InboxSection(
            key="population.incomplete",
            title=_("Residents with incomplete data (no family card)"),
            count=incomplete,
            url=reverse("population:resident_list"),
            items=tuple(
                InboxItem(
                    label=r.full_name,
                    url=reverse("population:resident_edit", args=[r.pk]),
                    note=_("RT %(rt)s / RW %(rw)s") % {"rt": r.rt, "rw": r.rw},
                )
                for r in residents
            ),
            order=31,
        ),
    ]
