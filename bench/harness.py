"""Benchmark harness: timing, percentiles, and the report (JSON + Markdown).

Each ``bench/bench_<name>.py`` defines ``run(h: Harness) -> None`` and records measurements
with ``h.measure(...)`` or ``h.record(...)``. Timings are wall-clock on this machine; the report
says which machine and database produced them.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Measurement:
    benchmark: str
    name: str
    unit: str
    n: int
    p50: float | None = None
    p95: float | None = None
    mean: float | None = None
    value: float | None = None
    target: str = ""
    passed: bool | None = None
    notes: str = ""


@dataclass
class Harness:
    benchmark: str = ""
    results: list[Measurement] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    def measure(
        self,
        name: str,
        fn: Callable[[], Any],
        *,
        n: int = 50,
        warmup: int = 3,
        target_p95_ms: float | None = None,
        notes: str = "",
    ) -> Measurement:
        """Call ``fn`` n times; record p50/p95/mean in milliseconds."""
        for _ in range(warmup):
            fn()
        samples = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        m = Measurement(
            benchmark=self.benchmark,
            name=name,
            unit="ms",
            n=n,
            p50=round(percentile(samples, 50), 2),
            p95=round(percentile(samples, 95), 2),
            mean=round(statistics.fmean(samples), 2),
            target=f"p95 < {target_p95_ms} ms" if target_p95_ms is not None else "",
            passed=(percentile(samples, 95) < target_p95_ms) if target_p95_ms else None,
            notes=notes,
        )
        self.results.append(m)
        print(f"  {name}: p50 {m.p50} ms, p95 {m.p95} ms ({n} runs) {m.target}")
        return m

    def record(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        target: str = "",
        passed: bool | None = None,
        notes: str = "",
    ) -> Measurement:
        """Record a single figure (a duration, a throughput)."""
        m = Measurement(
            benchmark=self.benchmark,
            name=name,
            unit=unit,
            n=1,
            value=round(value, 3),
            target=target,
            passed=passed,
            notes=notes,
        )
        self.results.append(m)
        print(f"  {name}: {m.value} {unit} {target}")
        return m


def write_report(h: Harness, *, database: str, stem: str = "latest") -> tuple[Path, Path]:
    RESULTS_DIR.mkdir(exist_ok=True)
    meta = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "cpus": __import__("os").cpu_count(),
        "database": database,
        **h.context,
    }
    json_path = RESULTS_DIR / f"{stem}.json"
    json_path.write_text(
        json.dumps({"meta": meta, "results": [asdict(r) for r in h.results]}, indent=2)
    )
    lines = [
        f"# Benchmark report ({meta['when']})",
        "",
        f"Machine: {meta['machine']}, {meta['cpus']} CPUs, Python {meta['python']}, "
        f"database {database}.",
        "",
        "| benchmark | measurement | p50 | p95 | value | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in h.results:
        unit = r.unit
        p50 = f"{r.p50} {unit}" if r.p50 is not None else ""
        p95 = f"{r.p95} {unit}" if r.p95 is not None else ""
        value = f"{r.value} {unit}" if r.value is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[r.passed]
        lines.append(f"| {r.benchmark} | {r.name} | {p50} | {p95} | {value} | {r.target} | {met} |")
    md_path = RESULTS_DIR / f"{stem}.md"
    md_path.write_text("\n".join(lines) + "\n")
    return json_path, md_path
