#!/usr/bin/env python
"""Run the benchmarks (``make bench``): ``bench/run.py [--only NAME ...] [--quick]
[--scale banyuwangi|bogor]``.

Uses its own database so that `make run` data are never touched: DATABASE_URL if set,
otherwise the local PostgreSQL database ``sk_bench`` (``sk_bench_bogor`` at Bogor scale) when
reachable, else SQLite in var/.
Writes bench/results/latest.json and bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/sk_bench"


def _pick_database(name: str) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    try:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return DEFAULT_PG.rsplit("/", 1)[0] + "/" + name
    except Exception:
        return f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def _machine_speed(harness: Any, when: str) -> None:
    """A fixed pure-Python workload, timed: shared machines vary in speed from hour to hour,
    and this line lets two reports be compared (best of 3, lower is faster)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    harness.benchmark = "machine"
    harness.record(f"CPU reference, {when}: 5 M additions in Python", best * 1000, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names, e.g. regions")
    parser.add_argument("--quick", action="store_true", help="smaller data, for a smoke run")
    parser.add_argument(
        "--scale",
        choices=["banyuwangi", "bogor"],
        default="banyuwangi",
        help="regency size (bench/scale.py); bogor runs in the database sk_bench_bogor",
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _pick_database(
        "sk_bench" if args.scale == "banyuwangi" else f"sk_bench_{args.scale}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("compile_translations", verbosity=0)
    # Pages are rendered with production settings: hashed static names need a current manifest.
    call_command("collectstatic", interactive=False, verbosity=0)

    from harness import Harness, write_report

    names = args.only or sorted(
        p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py")
    )
    harness = Harness(context={"quick": args.quick, "scale": args.scale})
    failed = []
    _machine_speed(harness, "before")
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        harness.benchmark = name
        print(f"== {name}")
        start = time.perf_counter()
        try:
            module.run(harness, quick=args.quick)
        except Exception:  # report it, run the other benchmarks, fail at the end
            traceback.print_exc()
            failed.append(name)
            harness.record("benchmark failed (see the console)", 0, "", passed=False)
        print(f"   ({time.perf_counter() - start:.1f} s)")
    _machine_speed(harness, "after")
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    json_path, md_path = write_report(harness, database=engine)
    print(md_path.read_text())
    print(f"written {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
