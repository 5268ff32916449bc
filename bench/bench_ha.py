"""High availability (issue 17): letter numbering throughput on the Patroni cluster (through
pgbouncer, synchronous replication) against one node (the benchmark database), and the
standby's lag under that load. Failover downtime and restore time come from the drills
(`make drills`, smartkampung/ops/tests/drills), run here unless --quick.

The load: 8 threads each number and store letters (``letter_create_numbered`` in its own
transaction: the counter row locked, the letter and its audit event written) — the part of
issuing a letter that waits on the database; typesetting and signing are CPU work measured by
bench_letters. Needs the cluster packages (`make cluster-deps`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from harness import Harness, percentile

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CLUSTER = ROOT / "scripts" / "cluster" / "cluster.sh"
PORTS = {
    "SK_CLUSTER_PG_PORTS": "5461,5462",
    "SK_CLUSTER_REST_PORTS": "8461,8462",
    "SK_CLUSTER_BOUNCER_PORTS": "6462,6463",
    "SK_CLUSTER_ETCD_PORTS": "2395,2396",
}
THREADS = 8


def _load(per_thread: int) -> dict[str, Any]:
    """In a fresh process (DATABASE_URL chosen by the caller): letters numbered per second."""
    import django

    django.setup()
    from django.db import connections, transaction
    from django.utils import timezone

    from conftest import load_regions
    from smartkampung.accounts.models import Role, RoleAssignment, User
    from smartkampung.letters.composition import LetterSubject
    from smartkampung.letters.models import LetterType
    from smartkampung.letters.services.catalogue import letter_types_install_defaults
    from smartkampung.letters.services.letters import letter_create_numbered
    from smartkampung.regions.models import Region

    load_regions()
    letter_types_install_defaults(regency_code="35.10")
    head, _ = User.objects.get_or_create(username="bench.ha.kades", defaults={"full_name": "K"})
    RoleAssignment.objects.get_or_create(
        user=head, role=Role.VILLAGE_HEAD, scope_id="35.10.01.2001"
    )
    spm = LetterType.objects.get(regency_id="35.10", code="spm")
    village = Region.objects.get(code="35.10.01.2001")
    subject = LetterSubject(
        name="Bench",
        nik="3510014507900003",
        sex="Perempuan",
        birth_place="Banyuwangi",
        birth_date="5 Juli 1990",
        religion="Islam",
        occupation="Petani",
        marital_status="Kawin",
        address="Dusun Krajan",
    )
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker() -> None:
        barrier.wait()
        for _ in range(per_thread):
            started = time.perf_counter()
            with transaction.atomic():
                letter_create_numbered(
                    letter_type=spm,
                    village=village,
                    subject=subject,
                    values={"keperluan": "bench"},
                    signer=head,
                    now=timezone.now(),
                )
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
        connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "per_second": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "n": len(latencies),
    }


def _run_load(env: dict[str, str], per_thread: int) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, str(Path(__file__)), "load", str(per_thread)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


class LagSampler(threading.Thread):
    """Samples pg_stat_replication on the primary (bytes behind, replay lag)."""

    def __init__(self, dsn: str) -> None:
        super().__init__(daemon=True)
        self.dsn = dsn
        self.bytes: list[float] = []
        self.seconds: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0),"
                    " COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) FROM pg_stat_replication"
                ).fetchone()
                if row:
                    self.bytes.append(float(row[0]))
                    self.seconds.append(float(row[1]))
                time.sleep(0.1)


def run(h: Harness, *, quick: bool = False) -> None:
    for tool in ("etcd", "patroni", "pgbouncer", "pgbackrest"):
        if shutil.which(tool) is None:
            h.record(f"skipped: {tool} missing (make cluster-deps)", 0, "", passed=False)
            return
    per_thread = 25 if quick else 250
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    base_env.pop("SK_DATABASE_REPLICA_URL", None)
    one = _run_load(base_env, per_thread)
    h.record(
        f"one node: letters numbered/s, {THREADS} threads",
        one["per_second"],
        "letters/s",
        notes=f"{one['n']} letters, p50 {one['p50_ms']:.1f} ms, p95 {one['p95_ms']:.1f} ms",
    )
    base = Path(tempfile.mkdtemp(prefix="sk-bench-ha-"))
    base.chmod(0o755)
    env = {**base_env, **PORTS, "SK_CLUSTER_DIR": str(base / "cluster")}
    try:
        up = subprocess.run(
            [str(CLUSTER), "up"], env=env, capture_output=True, text=True, timeout=300, check=True
        )
        for line in up.stdout.splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        env.pop("SK_DATABASE_REPLICA_URL", None)
        for command in (["migrate", "-v", "0"], ["createcachetable"]):
            subprocess.run(
                [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=900
            )
        primary = subprocess.run(
            [str(CLUSTER), "primary-port"], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        sampler = LagSampler(f"postgresql://postgres@127.0.0.1:{primary}/postgres")
        sampler.start()
        cluster = _run_load(env, per_thread)
        sampler.stop.set()
        sampler.join()
        h.record(
            f"cluster (pgbouncer, sync replica): letters numbered/s, {THREADS} threads",
            cluster["per_second"],
            "letters/s",
            notes=f"{cluster['n']} letters, p50 {cluster['p50_ms']:.1f} ms, "
            f"p95 {cluster['p95_ms']:.1f} ms; {cluster['per_second'] / one['per_second']:.0%} "
            "of one node",
        )
        if sampler.bytes:
            h.record(
                "replica lag under that load, max",
                max(sampler.bytes) / 1024,
                "KiB",
                notes=f"p95 {percentile(sampler.bytes, 95) / 1024:.1f} KiB, "
                f"{len(sampler.bytes)} samples",
            )
            h.record(
                "replica replay lag under that load, max",
                max(sampler.seconds) * 1000,
                "ms",
                notes=f"p95 {percentile(sampler.seconds, 95) * 1000:.1f} ms",
            )
        if not quick:
            _regency_restore(h, env, int(primary))
    finally:
        subprocess.run([str(CLUSTER), "down", "--purge"], env=env, timeout=120, check=False)
        shutil.rmtree(base, ignore_errors=True)
    if quick:
        h.record("failover downtime / restore time: not run with --quick (make drills)", 0, "")
        return
    report = base / "drills.jsonl"
    base.mkdir(exist_ok=True)
    drills = subprocess.run(
        [
            str(ROOT / ".venv/bin/pytest"),
            "-q",
            "-n",
            "0",
            "-m",
            "cluster",
            "-p",
            "no:cacheprovider",
            str(ROOT / "smartkampung/ops/tests/drills"),
        ],
        cwd=ROOT,
        env={**os.environ, "SK_CLUSTER_DRILLS": "1", "SK_DRILL_REPORT": str(report)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    for row in rows:
        if row["drill"] == "failover":
            h.record(
                "failover downtime (kill -9 of the primary, 8 clients)",
                row["downtime_seconds"],
                "s",
                target="< 30 s",
                passed=row["downtime_seconds"] < 30,
                notes=json.dumps(row["answered"]),
            )
        if row["drill"] == "restore":
            h.record(
                "point-in-time restore to a side instance",
                row["restore_seconds"],
                "s",
                notes=f"demo-scale database; table {row['table']}, {row['rows']} rows back",
            )
    if drills.returncode != 0:
        h.record("drills failed (see the console)", 0, "", passed=False)
        print(drills.stdout[-3000:])
    shutil.rmtree(base, ignore_errors=True)


RESTORE_PORT = 5458


def _as_pg(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else list(args)


def _psql(cluster_dir: str, port: int, query: str, db: str = "smartkampung") -> str:
    out = subprocess.run(
        _as_pg(
            "psql",
            "-h",
            f"{cluster_dir}/run",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            db,
            "-tAc",
            query,
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip()


def _populate(total: int) -> dict[str, Any]:
    """In a fresh process on the cluster's primary: the regency-scale register (COPY)."""
    import django

    django.setup()
    from gen_population import generate

    from conftest import load_regions

    load_regions()
    return generate(total)


def _regency_restore(h: Harness, env: dict[str, str], primary: int) -> None:
    """Restore time of the regency-scale database: 1.8 M residents in the cluster, a full
    pgBackRest backup, then a restore of that backup into a side instance until it accepts
    writes (the path of docs/operations.md, "Restore")."""
    cluster_dir = env["SK_CLUSTER_DIR"]
    total = 1_800_000
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, str(Path(__file__)), "populate", str(total)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary}/smartkampung"},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if out.returncode != 0:
        h.record("regency-scale restore: populating failed", 0, "", passed=False)
        print(out.stderr[-3000:])
        return
    filled = json.loads(out.stdout.strip().splitlines()[-1])
    size = int(_psql(cluster_dir, primary, "SELECT pg_database_size('smartkampung')"))
    h.record(
        "regency-scale register written on the cluster (sync replica)",
        time.perf_counter() - started,
        "s",
        notes=f"{filled['residents']:,} residents, {filled['households']:,} households; "
        f"database {size / 2**30:.2f} GiB",
    )
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / "scripts/cluster/backup.sh"), "full"],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=True,
    )
    h.record("full backup of that database (pgBackRest)", time.perf_counter() - started, "s")
    restore_dir = f"{cluster_dir}/restore-bench"
    started = time.perf_counter()
    subprocess.run(
        _as_pg(
            "pgbackrest",
            f"--config={cluster_dir}/pgbackrest.conf",
            "--stanza=smartkampung",
            f"--pg1-path={restore_dir}",
            "--type=immediate",
            "--target-action=promote",
            "restore",
        ),
        capture_output=True,
        timeout=3600,
        check=True,
    )
    files_seconds = time.perf_counter() - started
    subprocess.run(
        _as_pg(
            "/usr/lib/postgresql/15/bin/pg_ctl",
            "-D",
            restore_dir,
            "-l",
            f"{cluster_dir}/log/restore-bench.log",
            "-w",
            "-t",
            "1800",
            "-o",
            f"-p {RESTORE_PORT} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={cluster_dir}/run -c archive_mode=off "
            "-c synchronous_standby_names= -c hot_standby=on",
            "start",
        ),
        capture_output=True,
        timeout=1900,
        check=True,
    )
    try:
        for _ in range(9000):
            if _psql(cluster_dir, RESTORE_PORT, "SELECT pg_is_in_recovery()", "postgres") == "f":
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        back = int(_psql(cluster_dir, RESTORE_PORT, "SELECT count(*) FROM population_resident"))
        h.record(
            "restore of the regency-scale database until it accepts writes",
            seconds,
            "s",
            passed=back == filled["residents"],
            notes=f"files {files_seconds:.1f} s, then recovery; {back:,} residents back "
            f"of {filled['residents']:,}",
        )
    finally:
        subprocess.run(
            _as_pg("/usr/lib/postgresql/15/bin/pg_ctl", "-D", restore_dir, "-m", "fast", "stop"),
            capture_output=True,
            timeout=300,
            check=False,
        )
        shutil.rmtree(restore_dir, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["populate"]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    print(json.dumps(_populate(int(sys.argv[2]))))

if __name__ == "__main__" and sys.argv[1:2] == ["load"]:
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_load(int(sys.argv[2]))))
