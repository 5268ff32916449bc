from __future__ import annotations

import json
import logging

from smartkampung.ops.logging import JsonFormatter


def test_a_log_record_becomes_one_json_object() -> None:
    record = logging.LogRecord(
        "smartkampung.letters", logging.WARNING, "x.py", 1, "signing %s failed", ("letter 7",), None
    )
    record.letter_id = 7
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "smartkampung.letters"
    assert entry["message"] == "signing letter 7 failed"
    assert entry["letter_id"] == 7
    assert entry["time"].endswith("+00:00")


def test_an_exception_is_kept_in_the_object() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, "x.py", 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]
