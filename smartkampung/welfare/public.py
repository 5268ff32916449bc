"""Actor-free aggregates for the public portal: recipients per programme and village in the
latest month with recipients (no personal data). The portal applies its small-cell
suppression before publishing them (ADR 0086)."""

from __future__ import annotations

from django.db.models import Count

from .models import AidProgramme, Enrolment, EnrolmentStatus, SpmOutsideRegister
from .selectors import current_period


def latest_period(*, regency_code: str) -> str | None:
    """The latest month, up to the current one, with active recipients in the regency."""
    return (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE,
            programme__regency_id=regency_code,
            period__lte=current_period(),
        )
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def village_counts(*, regency_code: str, period: str) -> dict[str, dict[str, int]]:
    """village code → {programme code: active recipients} for every village with any."""
    rows = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE,
            period=period,
            programme__regency_id=regency_code,
        )
        .order_by()
        .values_list("village_id", "programme__code")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for village, code, n in rows:
        counts.setdefault(str(village), {})[str(code)] = int(n)
    return counts


def programme_names(*, regency_code: str) -> list[tuple[str, str]]:
    """(code, name) of the regency's programmes, by code."""
    return [
        (str(code), str(name))
        for code, name in AidProgramme.objects.filter(regency_id=regency_code)
        .order_by("code")
        .values_list("code", "name")
    ]


def spm_outside_register_by_village(*, regency_code: str, year: int) -> dict[str, int]:
    """village code → SPMs issued in ``year`` to households outside the welfare register
    (for the regency dashboard; counts only)."""
    prefix = regency_code + "."
    rows = (
        SpmOutsideRegister.objects.filter(recorded_at__year=year)
        .order_by()
        .values_list("village_id")
        .annotate(n=Count("pk"))
    )
    return {str(code): int(n) for code, n in rows if str(code).startswith(prefix)}
