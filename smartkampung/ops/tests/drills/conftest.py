"""A throw-away cluster (scripts/cluster/cluster.sh) with the demo data, for the drills.

The drills run when SK_CLUSTER_DRILLS=1 (`make drills`, which .ci/run calls after installing the
packages with `make cluster-deps`); elsewhere they skip, saying why. With SK_CLUSTER_DRILLS=1 a
missing package is a failure, not a skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
CLUSTER = ROOT / "scripts" / "cluster" / "cluster.sh"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
TOOLS = ("etcd", "patroni", "patronictl", "pgbouncer", "pgbackrest")
# Ports apart from the trial cluster's defaults, so a trial can run beside the drills.
PORTS = {
    "SK_CLUSTER_PG_PORTS": "5451,5452",
    "SK_CLUSTER_REST_PORTS": "8451,8452",
    "SK_CLUSTER_BOUNCER_PORTS": "6452,6453",
    "SK_CLUSTER_ETCD_PORTS": "2393,2394",
}
APP_PORT = 8471


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("SK_CLUSTER_DRILLS") == "1":
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise pytest.UsageError(f"SK_CLUSTER_DRILLS=1 but {missing} missing: make cluster-deps")
        return
    skip = pytest.mark.skip(reason="cluster drill: run with `make drills` (SK_CLUSTER_DRILLS=1)")
    for item in items:
        if "drills" in str(item.path):
            item.add_marker(skip)


@dataclass
class Cluster:
    dir: Path
    env: dict[str, str]
    var: Path
    ports: dict[str, list[int]] = field(default_factory=dict)

    def script(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [str(CLUSTER), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            logs = "\n".join(
                f"--- {p.name}\n{p.read_text()[-3000:]}" for p in (self.dir / "log").glob("*.log")
            )
            raise AssertionError(f"cluster.sh {args} failed:\n{result.stderr}\n{logs}")
        return result.stdout

    def manage(self, *args: str, timeout: float = 600) -> str:
        return self.python("manage.py", *args, timeout=timeout)

    def python(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [PYTHON, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def primary_port(self) -> int:
        return int(self.script("primary-port").strip())

    def node_of_port(self, port: int) -> int:
        return 1 if port == self.ports["pg"][0] else 2

    def postmaster_pid(self, node: int) -> int:
        return int((self.dir / f"node{node}" / "data" / "postmaster.pid").read_text().split()[0])


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    base = Path(tempfile.mkdtemp(prefix="sk-drill-"))
    base.chmod(0o755)
    var = base / "var"
    var.mkdir()
    env = {
        **os.environ,
        **PORTS,
        "SK_CLUSTER_DIR": str(base / "cluster"),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SK_VAR_DIR": str(var),
        "SECRET_KEY": "drill-secret-key-" + "d" * 40,
        "SK_LETTERS_KEY_ALGORITHM": "ec",
        "LOG_LEVEL": "WARNING",
        "PORT": str(APP_PORT),
    }
    cluster = Cluster(dir=base / "cluster", env=env, var=var)
    cluster.ports = {
        "pg": [int(p) for p in PORTS["SK_CLUSTER_PG_PORTS"].split(",")],
        "rest": [int(p) for p in PORTS["SK_CLUSTER_REST_PORTS"].split(",")],
    }
    try:
        for line in cluster.script("up").splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        cluster.manage("migrate", "--noinput", "-v", "0")
        cluster.manage("createcachetable")
        cluster.manage(
            "import_regions",
            str(ROOT / "data/regions/banyuwangi_kode_wilayah_35.10.csv"),
            str(ROOT / "data/regions/banyuwangi_batas_desa_35.10.geojson"),
        )
        cluster.manage("demo_seed")
        cluster.python("-m", "smartkampung.ops.drill", "prepare")
        yield cluster
    finally:
        keep = os.environ.get("SK_DRILL_KEEP") == "1"  # logs and client answers, to debug
        subprocess.run(
            [str(CLUSTER), "down", *([] if keep else ["--purge"])],
            env=env,
            timeout=120,
            check=False,
        )
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
