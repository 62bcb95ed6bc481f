"""A canary token in a variable whose name says nothing of secrets, echoed back by the forge in its error
bodies, appears nowhere: console, logs, the warehouse (every table, mining_runs.errors too), reports, files,
and Prefect's database (task states, logs, events), whichever way the error travels (a failed repo, a
retried repo, a source whose listing fails inside a Prefect task)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from leadsig.simulator.server import ForgeSimulator

CANARY = "lscanary-P7fQ2xVb9Lk4Tz8Wm3"
ENV = "CANARY_PAT"  # no TOKEN, SECRET, PASSWORD or PRIVATE in the name


def _config(path: Path, sim_url: str, warehouse: str) -> Path:
    path.write_text(f"""warehouse: {warehouse}
since: 2020-01-01
sources:
  - kind: github
    name: gh
    url: {sim_url}
    token_env: {ENV}
    orgs: [acme]
    repos: [acme/no-such-repo]
    seconds_between_requests: 0
    max_retries: 0
  - kind: github
    name: gh-missing-org
    url: {sim_url}
    token_env: {ENV}
    orgs: [no-such-org]
    seconds_between_requests: 0
    max_retries: 0
  - kind: gitlab
    name: gl
    url: {sim_url}
    token_env: {ENV}
    groups: [acme]
    projects: [acme/no-such-project]
    max_retries: 0
""", encoding="utf-8")
    return path


def _sqlite_text(url_or_path: str) -> str:
    path = url_or_path.split("///", 1)[-1]
    con = sqlite3.connect(path)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def _files_text(root: Path) -> str:
    return "\n".join(f.read_bytes().decode("utf-8", "replace") for f in root.rglob("*") if f.is_file())


def test_an_echoed_canary_never_leaks(prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    from leadsig.flows import nightly as flows

    monkeypatch.setenv(ENV, CANARY)
    monkeypatch.setattr(flows.mine_repo_task, "retry_delay_seconds", [0, 0, 0])  # retried, without the waits
    db = f"sqlite:///{tmp_path / 'w.db'}"
    with ForgeSimulator(size="tiny", seed=4) as sim:
        sim.switches.echo_token = True
        sim.switches.failing = ("acme/api",)  # a 503 each time: retried by the flow, then failed
        cfg = _config(tmp_path / "leadsig.yaml", sim.url, db)
        state = flows.nightly(config_path=str(cfg), return_state=True)
        cli = subprocess.run([sys.executable, "-m", "leadsig", "-vvv", "mine", "--config", str(cfg)],
                             capture_output=True, text=True, env=dict(os.environ), timeout=600)
        flows.monthly_report(config_path=str(cfg), month="2025-05")
    assert state.is_failed() and cli.returncode == 1
    with get_client(sync_client=True) as client:
        logs = "\n".join(log.message for log in client.read_logs())
        states = "\n".join(str(t.state.message) for t in client.read_task_runs() if t.state)
    assert "NotFound" in states and "retrying acme/api" in logs  # the failures were really recorded
    places = {
        "CLI output": cli.stdout + cli.stderr,
        "test process output (Prefect's console)": "".join(capfd.readouterr()),
        "Prefect logs": logs,
        "Prefect task states": states,
        "Prefect database": _sqlite_text(PREFECT_SERVER_DATABASE_CONNECTION_URL.value()),
        "warehouse": _sqlite_text(db),
        "files written (reports, config)": _files_text(tmp_path).replace(ENV, ""),
    }
    leaked = [where for where, text in places.items() if CANARY in text]
    assert not leaked, f"the canary is in: {leaked}"
