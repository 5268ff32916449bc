"""Request latency per view, kept per process and summed over processes.

Each gunicorn process counts its own requests in memory and writes a snapshot to
``SK_METRICS_DIR/<pid>.json`` at most every few seconds; ``/metrics`` adds up every snapshot,
so a scrape through the load balancer sees the whole server, not one process. Snapshots of
processes that have ended are kept: their counts stay in the totals, as counters must (the same
rule as prometheus_client's multiprocess mode, which we do not depend on).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings

# Seconds; the last bucket (+Inf) is the count.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FLUSH_SECONDS = 5.0

Key = tuple[str, str, str]  # view, method, status class ("2xx")


class LatencyRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[Key, list[float]] = {}
        self._last_flush = 0.0

    def observe(self, *, view: str, method: str, status: int, seconds: float) -> None:
        key = (view, method, f"{status // 100}xx")
        with self._lock:
            row = self._series.get(key)
            if row is None:
                # one count per bucket, then count and sum
                row = self._series[key] = [0.0] * (len(BUCKETS) + 2)
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            row[-2] += 1
            row[-1] += seconds
        self.flush_if_due()

    def snapshot(self) -> dict[Key, list[float]]:
        with self._lock:
            return {key: list(row) for key, row in self._series.items()}

    def reset(self) -> None:
        with self._lock:
            self._series.clear()
            self._last_flush = 0.0

    def flush_if_due(self, *, force: bool = False) -> None:
        directory = metrics_dir()
        if directory is None:
            return
        now = time.monotonic()
        if not force and now - self._last_flush < FLUSH_SECONDS:
            return
        self._last_flush = now
        data = [[*key, row] for key, row in self.snapshot().items()]
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / f"{os.getpid()}.json"
        temporary = directory / f".{os.getpid()}.json.tmp"
        temporary.write_text(json.dumps(data))
        temporary.replace(target)


registry = LatencyRegistry()


def metrics_dir() -> Path | None:
    value = getattr(settings, "SK_METRICS_DIR", "")
    return Path(value) if value else None


def latency_totals() -> dict[Key, list[float]]:
    """Every process's snapshot added up (this process's counts included)."""
    directory = metrics_dir()
    if directory is None:
        return registry.snapshot()
    registry.flush_if_due(force=True)
    totals: dict[Key, list[float]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            rows: list[Any] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # a snapshot being replaced, or a stray file: skip it this time
        for view, method, status, row in rows:
            key = (str(view), str(method), str(status))
            if len(row) != len(BUCKETS) + 2:
                continue
            acc = totals.setdefault(key, [0.0] * (len(BUCKETS) + 2))
            for i, value in enumerate(row):
                acc[i] += float(value)
    return totals


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Exposition:
    """Prometheus text format 0.0.4."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")

    def sample(self, name: str, value: float, labels: dict[str, str] | None = None) -> None:
        if labels:
            inner = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            self.lines.append(f"{name}{{{inner}}} {_number(value)}")
        else:
            self.lines.append(f"{name} {_number(value)}")

    def latency(self, totals: dict[Key, list[float]]) -> None:
        name = "sk_http_request_duration_seconds"
        self.family(name, "histogram", "Time to answer a request, by view.")
        for (view, method, status), row in sorted(totals.items()):
            labels = {"view": view, "method": method, "status": status}
            for i, bound in enumerate(BUCKETS):
                self.sample(f"{name}_bucket", row[i], {**labels, "le": _number(bound)})
            self.sample(f"{name}_bucket", row[-2], {**labels, "le": "+Inf"})
            self.sample(f"{name}_count", row[-2], labels)
            self.sample(f"{name}_sum", row[-1], labels)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
