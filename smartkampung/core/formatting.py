"""One way to write dates, times and durations, in Indonesian and English (ADR 0113).

``format_date`` → "4 Desember 2026" / "4 December 2026"; ``format_datetime`` → "4 Desember 2026,
09.30" / "4 December 2026, 09:30" (local time; Indonesian writes the time with a full stop);
``format_duration`` → "35 menit", "2 jam 10 menit", "3 hari 4 jam" / "35 minutes", "2 hours
10 minutes" — whole units, never "0,6 jam". Templates use the ``sk_date``, ``sk_datetime`` and
``duration`` filters of ``{% load sk %}``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DATE_FORMAT = "j F Y"


def _time_format() -> str:
    return "H.i" if (translation.get_language() or "id").startswith("id") else "H:i"


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return dateformat.format(value, DATE_FORMAT)


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{dateformat.format(local, DATE_FORMAT)}, {dateformat.format(local, _time_format())}"


def _unit(count: int, unit: str) -> str:
    if unit == "day":
        return ngettext("%(n)d day", "%(n)d days", count) % {"n": count}
    if unit == "hour":
        return ngettext("%(n)d hour", "%(n)d hours", count) % {"n": count}
    return ngettext("%(n)d minute", "%(n)d minutes", count) % {"n": count}


def format_duration(value: dt.timedelta | float | int | None, *, unit: str = "seconds") -> str:
    """A duration in at most two whole units (days and hours, or hours and minutes).

    ``value`` is a timedelta, or a number of ``unit`` ("seconds", "minutes" or "hours")."""
    if value is None:
        return ""
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    else:
        seconds = float(value) * {"seconds": 1, "minutes": 60, "hours": 3600}[unit]
    minutes = round(max(seconds, 0) / 60)
    if minutes < 1:
        return _("less than a minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [_unit(days, "day")] + ([_unit(hours, "hour")] if hours else [])
    elif hours:
        parts = [_unit(hours, "hour")] + ([_unit(minutes, "minute")] if minutes else [])
    else:
        parts = [_unit(minutes, "minute")]
    return " ".join(parts)
