"""One format for dates, times and durations in both languages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from smartkampung.core.formatting import format_date, format_datetime, format_duration

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    "language,date,datetime",
    [
        ("id", "4 Desember 2026", "4 Desember 2026, 09.30"),
        ("en", "4 December 2026", "4 December 2026, 09:30"),
    ],
)
def test_dates_and_times(language: str, date: str, datetime: str, settings) -> None:
    settings.TIME_ZONE = "Asia/Jakarta"
    moment = dt.datetime(2026, 12, 4, 2, 30, tzinfo=dt.UTC)  # 09.30 in Jakarta
    with translation.override(language):
        assert format_date(dt.date(2026, 12, 4)) == date
        assert format_datetime(moment) == datetime
        assert format_date(moment) == date


@pytest.mark.parametrize(
    "seconds,indonesian,english",
    [
        (20, "kurang dari 1 menit", "less than a minute"),
        (36 * 60, "36 menit", "36 minutes"),
        (60 * 60, "1 jam", "1 hour"),
        (130 * 60, "2 jam 10 menit", "2 hours 10 minutes"),
        (3 * 86400 + 4 * 3600 + 59, "3 hari 4 jam", "3 days 4 hours"),
    ],
)
def test_durations_are_whole_units(seconds: int, indonesian: str, english: str) -> None:
    with translation.override("id"):
        assert format_duration(seconds) == indonesian
    with translation.override("en"):
        assert format_duration(dt.timedelta(seconds=seconds)) == english


def test_a_fraction_of_an_hour_is_minutes_not_a_decimal() -> None:
    with translation.override("id"):
        text = Template('{% load sk %}{{ h|duration:"hours" }}').render(Context({"h": 0.6}))
    assert text == "36 menit" and "0,6" not in text
