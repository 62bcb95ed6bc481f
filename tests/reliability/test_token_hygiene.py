"""A distinctive token in the environment appears nowhere: logs, warehouse, reports, artifacts, cassettes, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dumps import dump
from simconfig import write_sim_config

from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse.db import open_warehouse

TOKEN = "lsfake-Zq7Wk2Vd9Rt4Hm8Np3Xc6"
ROOT = Path(__file__).resolve().parents[2]


def _with_token_env(cfg: Path) -> None:
    text = cfg.read_text()
    text = text.replace(
        "    seconds_between_requests: 0", "    seconds_between_requests: 0\n    token_env: LEADSIG_TEST_TOKEN"
    )
    text = text.replace("    groups: [acme]", "    groups: [acme]\n    token_env: LEADSIG_TEST_TOKEN")
    cfg.write_text(text)


def _mine_cli(cfg: Path, max_retries: int | None = None) -> subprocess.CompletedProcess:
    if max_retries is not None:
        cfg.write_text(cfg.read_text().replace("max_retries: 10", f"max_retries: {max_retries}"))
    return subprocess.run(
        [sys.executable, "-m", "leadsig", "-vvv", "mine", "--config", str(cfg), "--full"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=600,
    )


def _all_text_under(path: Path) -> str:
    chunks = []
    for f in path.rglob("*"):
        if f.is_file():
            chunks.append(f.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def test_token_never_leaks(prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    from prefect.client.orchestration import get_client

    from leadsig.flows.nightly import monthly_report, nightly

    monkeypatch.setenv("LEADSIG_TEST_TOKEN", TOKEN)
    db = f"sqlite:///{tmp_path / 'w.db'}"
    with ForgeSimulator(size="tiny", seed=4) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, db)
        _with_token_env(cfg)
        assert nightly(config_path=str(cfg), return_state=True).is_completed()
        proc = _mine_cli(cfg)  # debug logging on: request lines are logged
        sim.switches.error_rate = 0.5  # failing requests: retries, error messages and failed repos are logged too
        failing = _mine_cli(cfg, max_retries=1)
        sim.switches.error_rate = 0.0
        monthly_report(config_path=str(cfg), month="2025-05")
    assert failing.returncode == 1 and "failed" in failing.stderr
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "127.0.0.1" in proc.stderr  # debug logging was on: request lines were logged
    with get_client(sync_client=True) as client:
        artifacts = " ".join(str(a.data) for a in client.read_artifacts())
        flow_logs = [log.message for log in client.read_logs()]
    captured = capfd.readouterr()
    places = {
        "Prefect flow logs": "\n".join(flow_logs),
        "test process output": captured.out + captured.err,
        "CLI output": proc.stdout + proc.stderr + failing.stdout + failing.stderr,
        "warehouse": repr(dump(open_warehouse(db))),
        "files written": _all_text_under(tmp_path),
        "prefect artifacts": artifacts,
        "cassettes": _all_text_under(ROOT / "tests" / "cassettes") if (ROOT / "tests" / "cassettes").exists() else "",
    }
    leaked = [where for where, text in places.items() if TOKEN in text]
    assert not leaked, f"token found in: {leaked}"
    assert flow_logs  # the flow's logs were really read
