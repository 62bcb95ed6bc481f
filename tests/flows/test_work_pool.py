"""The README's work-pool setup, end to end: a real Prefect server on PostgreSQL, the process work pool,
``prefect deploy --all`` of prefect.yaml, two workers running the GitHub and GitLab nightly deployments at
once against the simulator, then the monthly report; the warehouse ends equal to a single-process run.

Slow (a server, two workers and three flow runs): deselected by default, run by .ci/run with
``pytest -m slow tests/flows/test_work_pool.py`` (see tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from dumps import dump
from processes import Group, free_port, http_ok, wait_until
from ruamel.yaml import YAML
from sqlalchemy import create_engine, make_url, text

from leadsig.simulator.roster import write_config as write_sim_config
from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse.db import open_warehouse

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.workpool]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ENV = "LEADSIG_TEST_POSTGRES"
MONTH = "2025-06"  # the simulated organisation's last month
DONE = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def databases() -> Iterator[dict[str, str]]:
    """Three fresh databases on the test server: the Prefect server's, the pool's warehouse, the single run's."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set: this test needs a PostgreSQL server (CI sets it; see .ci/run)")
    admin_url = make_url(os.environ[PG_ENV])
    names = {role: f"leadsig_wp_{role}_{uuid.uuid4().hex[:8]}" for role in ("prefect", "pool", "single")}
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield {"prefect": admin_url.set(drivername="postgresql+asyncpg", database=names["prefect"])
               .render_as_string(hide_password=False),
               **{role: admin_url.set(database=names[role]).render_as_string(hide_password=False)
                  for role in ("pool", "single")}}
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def write_config(path: Path, sim: ForgeSimulator, warehouse: str) -> Path:
    """The simulator's own config and roster (people, teams), on a PostgreSQL warehouse, with the sources named
    like prefect.yaml's `source:` parameters and a retention that keeps the simulated years (they end in 2025)."""
    write_sim_config(sim.org, sim.url, path)
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["warehouse"] = warehouse
    data["retention"] = {"activity_months": 1200, "signals_months": 1200}
    for source in data["sources"]:
        source["name"] = source["kind"]
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return path


def base_env(home: Path, **extra: str) -> dict[str, str]:
    """The machine's environment without any Prefect setting of the test session, plus a PREFECT_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    home.mkdir(parents=True, exist_ok=True)
    return {**env, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra}


class Pool:
    """A Prefect server on PostgreSQL with prefect.yaml deployed and two process workers polling its pool."""

    def __init__(self, tmp: Path, group: Group, prefect_db: str, config: Path) -> None:
        self.tmp, self.group = tmp, group
        port = free_port()
        self.api = f"http://127.0.0.1:{port}/api"
        self.group.start("server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                                    str(port)],
                         base_env(tmp / "server-home", PREFECT_API_DATABASE_CONNECTION_URL=prefect_db,
                                  PREFECT_UI_ENABLED="false"))
        wait_until(lambda: http_ok(self.api + "/health"), "the Prefect server", 180, lambda: self.group.log("server"))
        # the README's steps, as written there: the config path is fixed when deploying, the code's folder
        # (LEADSIG_HOME) is read by each worker when it runs a flow
        self.env = base_env(tmp / "client-home", PREFECT_API_URL=self.api, LEADSIG_CONFIG_PATH=str(config))
        self.cli("work-pool", "create", "leadsig", "--type", "process")
        self.cli("deploy", "--all")
        for n in (1, 2):  # one flow run at a time each, so two runs at once need both workers
            self.group.start(f"worker-{n}", [str(BIN / "prefect"), "worker", "start", "--pool", "leadsig", "--name",
                                             f"worker-{n}", "--limit", "1"],
                             base_env(tmp / f"worker-{n}-home", PREFECT_API_URL=self.api, LEADSIG_HOME=str(ROOT),
                                      PREFECT_WORKER_QUERY_SECONDS="1"))
        wait_until(lambda: len(self.workers()) == 2, "both workers online", 180, self.logs)

    def workers(self) -> list[str]:
        found = httpx.post(f"{self.api}/work_pools/leadsig/workers/filter", json={}, timeout=30).json()
        return sorted(w["name"] for w in found if w.get("status") == "ONLINE")

    def worker_of(self, run_id: str) -> str | None:
        """The worker that ran it: a worker labels a flow run once the server let it take the run."""
        run = httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=30).json()
        return (run.get("labels") or {}).get("prefect.worker.name")

    def cli(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "prefect"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def run(self, deployment: str, **params: str) -> str:
        """Start a deployment's flow run as a lead would; the run's id."""
        args = [arg for k, v in params.items() for arg in ("--param", f"{k}={v}")]
        return UUID_RE.findall(self.cli("deployment", "run", deployment, *args))[0]

    def state(self, run_id: str) -> dict:
        return httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=30).json()["state"] or {}

    def wait(self, *run_ids: str) -> dict[str, dict]:
        wait_until(lambda: all(self.state(r).get("type") in DONE for r in run_ids), "the flow runs", 900, self.logs)
        return {r: self.state(r) for r in run_ids}

    def logs(self) -> str:
        return "\n".join(f"--- {n}\n{self.group.log(n)[-6000:]}" for n in self.group.procs)


def rows(url: str) -> dict[str, list]:
    engine = open_warehouse(url)
    try:
        return {k: v for k, v in dump(engine).items() if k in ("activities", "signals")}
    finally:
        engine.dispose()


def test_two_workers_mine_both_forges_at_once_and_report_like_a_single_process(tmp_path, databases) -> None:
    t0 = time.monotonic()  # phases printed for the report (-s); nothing is asserted on time
    with ForgeSimulator(size="tiny", seed=11) as sim:
        pool_cfg = write_config(tmp_path / "pool" / "leadsig.yaml", sim, databases["pool"])
        single_cfg = write_config(tmp_path / "single" / "leadsig.yaml", sim, databases["single"])
        group = Group(tmp_path)
        try:  # every process started, server and workers, is stopped however this ends
            pool = Pool(tmp_path, group, databases["prefect"], pool_cfg)
            print(f"pool ready after {time.monotonic() - t0:.0f} s")
            nightly = [pool.run("leadsig-nightly/nightly-github"), pool.run("leadsig-nightly/nightly-gitlab")]
            states = pool.wait(*nightly)
            print(f"both nightly runs done after {time.monotonic() - t0:.0f} s")
            assert all(s["type"] == "COMPLETED" for s in states.values()), (states, pool.logs())
            assert sorted(str(pool.worker_of(r)) for r in nightly) == ["worker-1", "worker-2"]  # one each
            report = pool.run("leadsig-monthly-report/monthly-report", month=MONTH)
            (state,) = pool.wait(report).values()
            assert state["type"] == "COMPLETED", (state, pool.logs())
            print(f"report done after {time.monotonic() - t0:.0f} s")
        finally:
            group.stop()
        single = subprocess.run([str(BIN / "leadsig"), "mine", "--config", str(single_cfg)], capture_output=True,
                                text=True, env=base_env(tmp_path / "single-home"), timeout=900)
        assert single.returncode == 0, single.stdout + single.stderr
        print(f"single-process run done after {time.monotonic() - t0:.0f} s")
    pooled, alone = rows(databases["pool"]), rows(databases["single"])
    assert {a[1] for a in alone["activities"]} == {"github", "gitlab"} and alone["signals"]  # both forges mined
    assert pooled == alone
    reports = sorted(p.name for p in (tmp_path / "pool" / "reports" / "out").iterdir())
    assert [n for n in reports if MONTH in n and n.endswith((".md", ".html", ".csv"))], reports
