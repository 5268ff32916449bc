"""The failover drill and the restore drill (issue 17), on a real Patroni cluster.

Failover: 8 client processes issue letters, record disbursements and upload photos through the
app's services while a probe asks the app's /healthz (gunicorn) ten times a second; the primary's
postmaster is killed with SIGKILL; Patroni promotes the synchronous standby. Then every success a
client was told of must be in the database, letter numbers must run without gap or duplicate, no
budget item may be overspent, and the old primary must be back as a standby. The downtime seen by
the probe is printed (and written to SK_DRILL_REPORT when set); bench/bench_ha.py measures it too.

Restore: a pgBackRest backup (`make backup`'s script), more work, a mistaken DELETE of a table;
a point-in-time restore to just before the DELETE into a separate instance brings every row back
and the audit trail verifies (`manage.py audit_verify`). The media backup holds every photo.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tarfile
import threading
import time
import urllib.request
from typing import Any

import pytest

from .conftest import APP_PORT, PYTHON, ROOT, Cluster

pytestmark = pytest.mark.cluster

# The table deleted "by mistake" in the restore drill: each letter request's history.
TABLE = "letters_requestevent"
ROWS_QUERY = (
    "SELECT count(*), md5(string_agg(id::text || status_to, ',' ORDER BY id))"
    " FROM letters_requestevent"
)
COUNT_QUERY = "SELECT count(*) FROM letters_requestevent"
DELETE_QUERY = "DELETE FROM letters_requestevent"

REPLICA_CHECK = """
import django
django.setup()
from django.db import connections
from config.db_router import ReplicaRouter, replica_reads
from smartkampung.regions.models import Region
with replica_reads():
    alias = ReplicaRouter().db_for_read(Region)
    count = Region.objects.count()
with connections[alias].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    standby = cursor.fetchone()[0]
with connections["default"].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    primary_in_recovery = cursor.fetchone()[0]
print(alias, standby, count == Region.objects.using("default").count(), primary_in_recovery)
"""

CLIENTS = [("letters", 3), ("disbursements", 3), ("photos", 2)]
RUN_SECONDS = 600  # a safety net: the drill stops the clients
KILL_AFTER = 5


class Probe(threading.Thread):
    """GET /healthz every 0.1 s; remembers (time, ok)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.results: list[tuple[float, bool]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.time()
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:  # noqa: S310
                    ok = response.status == 200
            except Exception:
                ok = False
            self.results.append((started, ok))
            time.sleep(max(0.0, 0.1 - (time.time() - started)))

    def downtime_after(self, moment: float) -> tuple[float, float]:
        """(first failure after moment, first success after that)."""
        after = [(t, ok) for t, ok in self.results if t >= moment]
        first_fail = next((t for t, ok in after if not ok), moment)
        back = next((t for t, ok in after if ok and t > first_fail), float("nan"))
        return first_fail, back


def report(name: str, figures: dict[str, Any]) -> None:
    print(f"\n{name}: {json.dumps(figures)}")
    path = os.environ.get("SK_DRILL_REPORT")
    if path:
        with open(path, "a") as out:
            out.write(json.dumps({"drill": name, **figures}) + "\n")


def test_failover_loses_no_answered_write(cluster: Cluster) -> None:
    out = cluster.var.parent / "failover-clients"
    out.mkdir()
    app = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{APP_PORT}",
            "-w",
            "2",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=cluster.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clients: list[subprocess.Popen[bytes]] = []
    try:
        url = f"http://127.0.0.1:{APP_PORT}/healthz"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        probe = Probe(url)
        probe.start()
        for kind, count in CLIENTS:
            for index in range(count):
                clients.append(
                    subprocess.Popen(
                        [
                            PYTHON,
                            "-m",
                            "smartkampung.ops.drill",
                            "client",
                            kind,
                            str(index),
                            str(RUN_SECONDS),
                            str(out / f"client-{kind}-{index}.jsonl"),
                        ],
                        cwd=ROOT,
                        env=cluster.env,
                    )
                )
        # Django starts slowly with 8 processes on 2 cores: kill once every client has had
        # an answer (its first letter, payment or photo), so that all of them see the failover.
        for _ in range(1200):
            files = list(out.glob("client-*.jsonl"))
            if len(files) == len(clients) and all('"ok": true' in f.read_text() for f in files):
                break
            time.sleep(0.1)
        print(f"\n{time.strftime('%X')} every client has had an answer", flush=True)
        time.sleep(KILL_AFTER)
        old_primary = cluster.primary_port()
        old_node = cluster.node_of_port(old_primary)
        killed_at = time.time()
        os.kill(cluster.postmaster_pid(old_node), signal.SIGKILL)
        print(f"{time.strftime('%X')} killed the postmaster of node{old_node}", flush=True)
        (out / "killed_at").write_text(str(killed_at))
        # Go on until every client has had an answer after the app answered again.
        for _ in range(1800):
            _, back = probe.downtime_after(killed_at)
            if back == back and all(
                any(
                    r.get("ok") and r["t"] > back
                    for r in map(json.loads, f.read_text().splitlines())
                )
                for f in out.glob("client-*.jsonl")
            ):
                break
            time.sleep(0.1)
        (out / "stop").touch()
        for client in clients:
            assert client.wait(timeout=120) == 0
        probe.stopping.set()
        probe.join()
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
        app.terminate()
        app.wait(timeout=30)

    first_fail, back = probe.downtime_after(killed_at)
    assert back == back, "the app never answered again after the failover"  # not NaN
    facts = json.loads(cluster.python("-m", "smartkampung.ops.drill", "verify", str(out)))
    # Every success the clients were told of is in the database, exactly as told.
    assert facts["missing_letters"] == []
    assert facts["missing_disbursements"] == []
    assert facts["missing_photos"] == []
    assert facts["bad_sequences"] == [] and facts["duplicate_numbers"] == []
    assert facts["over_budget_items"] == []
    assert all(facts["answered"][kind] > 0 for kind, _ in CLIENTS), facts
    # Work went on after the failover for every kind of client.
    resumed = {
        kind
        for path in out.glob("client-*.jsonl")
        for row in map(json.loads, path.read_text().splitlines())
        if row.get("ok") and row["t"] > back
        for kind in [row["kind"]]
    }
    assert resumed == {kind for kind, _ in CLIENTS}

    # The old primary comes back (Patroni rewinds and restarts it) as the synchronous standby.
    cluster.script("wait-healthy", "120", timeout=150)
    new_primary = cluster.primary_port()
    assert new_primary != old_primary
    rest = cluster.ports["rest"][old_node - 1]
    with urllib.request.urlopen(f"http://127.0.0.1:{rest}/replica", timeout=5) as response:
        assert response.status == 200
    # Lag-tolerant reads now go to the new standby (the old primary), the rest to the primary.
    routed = cluster.python("-c", REPLICA_CHECK).split()
    assert routed == ["replica", "True", "True", "False"], routed
    report(
        "failover",
        {
            "downtime_seconds": round(back - killed_at, 2),
            "first_failed_probe_after_kill_seconds": round(first_fail - killed_at, 2),
            "answered": facts["answered"],
            "database_errors_retried": facts["errors"],
            "refused": facts["refused"],
            "old_primary_port": old_primary,
            "new_primary_port": new_primary,
        },
    )


def _sql(cluster: Cluster, port: int, query: str, db: str = "smartkampung") -> str:
    result = subprocess.run(
        [
            "runuser",
            "-u",
            "postgres",
            "--",
            "psql",
            "-h",
            str(cluster.dir / "run"),
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            db,
            "-tAc",
            query,
        ]
        if os.getuid() == 0
        else [
            "psql",
            "-h",
            str(cluster.dir / "run"),
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            db,
            "-tAc",
            query,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _as_pg(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else list(args)


def test_point_in_time_restore_brings_back_deleted_rows(cluster: Cluster) -> None:
    cluster.script("wait-healthy", "120", timeout=150)
    env = {**cluster.env, "SK_MEDIA_ROOT": str(cluster.var / "media")}
    backup = subprocess.run(
        [str(ROOT / "scripts/cluster/backup.sh"), "full"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert backup.returncode == 0, backup.stderr
    # Work after the backup: the restore must replay it from the archived WAL.
    out = cluster.var.parent / "restore-clients"
    out.mkdir()
    cluster.python(
        "-m",
        "smartkampung.ops.drill",
        "client",
        "letters",
        "9",
        "4",
        str(out / "client-letters-9.jsonl"),
    )
    after_backup = json.loads(cluster.python("-m", "smartkampung.ops.drill", "verify", str(out)))
    assert after_backup["answered"]["letters"] > 0
    primary = cluster.primary_port()
    rows_before = _sql(
        cluster,
        primary,
        ROWS_QUERY,
    )
    events_before = _sql(cluster, primary, "SELECT count(*) FROM audit_auditevent")
    time.sleep(1.5)
    target = _sql(cluster, primary, "SELECT now()")
    time.sleep(1.5)
    _sql(cluster, primary, DELETE_QUERY)  # the mistake
    assert _sql(cluster, primary, COUNT_QUERY) == "0"
    _sql(cluster, primary, "SELECT pg_switch_wal()")
    subprocess.run(
        _as_pg(
            "pgbackrest",
            f"--config={cluster.dir}/pgbackrest.conf",
            "--stanza=smartkampung",
            "check",
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )

    restore_dir = cluster.dir / "restore"
    started = time.monotonic()
    subprocess.run(
        _as_pg(
            "pgbackrest",
            f"--config={cluster.dir}/pgbackrest.conf",
            "--stanza=smartkampung",
            f"--pg1-path={restore_dir}",
            "--type=time",
            f"--target={target}",
            "--target-action=promote",
            "restore",
        ),
        check=True,
        capture_output=True,
        timeout=600,
    )
    port = 5459
    log = cluster.dir / "log" / "restore.log"
    subprocess.run(
        _as_pg(
            "/usr/lib/postgresql/15/bin/pg_ctl",
            "-D",
            str(restore_dir),
            "-l",
            str(log),
            "-w",
            "-t",
            "300",
            "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={cluster.dir}/run"
            " -c archive_mode=off -c synchronous_standby_names= -c hot_standby=on",
            "start",
        ),
        check=True,
        capture_output=True,
        timeout=330,
    )
    try:
        for _ in range(300):
            if _sql(cluster, port, "SELECT pg_is_in_recovery()", db="postgres") == "f":
                break
            time.sleep(0.2)
        restore_seconds = time.monotonic() - started
        assert (
            _sql(
                cluster,
                port,
                ROWS_QUERY,
            )
            == rows_before
        )
        assert _sql(cluster, port, "SELECT count(*) FROM audit_auditevent") == events_before
        restored_env = {
            **cluster.env,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/smartkampung",
        }
        verify = subprocess.run(
            [PYTHON, "manage.py", "audit_verify"],
            cwd=ROOT,
            env=restored_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        subprocess.run(
            _as_pg(
                "/usr/lib/postgresql/15/bin/pg_ctl", "-D", str(restore_dir), "-m", "fast", "stop"
            ),
            capture_output=True,
            timeout=120,
        )
    # The media backup holds every photo file the database knows of.
    media_backup = sorted((cluster.dir / "backup" / "media").glob("media-*.tar.gz"))[-1]
    with tarfile.open(media_backup) as archive:
        names = {name.removeprefix("./") for name in archive.getnames()}
    stored = cluster.python(
        "-c",
        "import django; django.setup();"
        "from smartkampung.projects.models import ProgressPhoto;"
        "print('\\n'.join(ProgressPhoto.objects.values_list('original', flat=True)))",
    ).split()
    assert stored and not [name for name in stored if name not in names]
    report(
        "restore",
        {
            "restore_seconds": round(restore_seconds, 2),
            "table": TABLE,
            "rows": int(rows_before.split("|")[0]),
        },
    )
