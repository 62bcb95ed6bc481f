"""The nightly flow over both forges with faults injected ends with the same warehouse as a fault-free run."""

from __future__ import annotations

from pathlib import Path

from dumps import dump
from simconfig import write_sim_config
from sqlalchemy import select

from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse


def _nightly(cfg: Path):
    from leadsig.flows.nightly import nightly

    return nightly(config_path=str(cfg), return_state=True)


def test_faults_and_limits_leave_the_warehouse_identical(prefect_harness, tmp_path: Path) -> None:
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    faulty_url = f"sqlite:///{tmp_path / 'faulty.db'}"
    with ForgeSimulator(size="tiny", seed=31) as sim:
        (tmp_path / "clean").mkdir()
        (tmp_path / "faulty").mkdir()
        assert _nightly(write_sim_config(tmp_path / "clean" / "leadsig.yaml", sim.url, clean_url)).is_completed()
        total = sim.request_count()
        sw = sim.switches
        sw.error_rate, sw.drop_rate, sw.slow_rate, sw.slow_seconds = 0.10, 0.05, 0.05, 0.2
        sw.secondary_every, sw.retry_after = 40, 1
        sw.budget, sw.reset_after = total // 2, 2.0  # the primary budget runs out mid-run, then resets
        sim.faults.reset()
        state = _nightly(write_sim_config(tmp_path / "faulty" / "leadsig.yaml", sim.url, faulty_url))
        assert state.is_completed(), state.message
        assert sim.statuses[403] + sim.statuses[429] > 0 and sum(n for s, n in sim.statuses.items() if s >= 500) > 0
    assert dump(open_warehouse(faulty_url)) == dump(open_warehouse(clean_url))
    with open_warehouse(faulty_url).connect() as conn:
        run = conn.execute(select(m.MiningRun.__table__)).one()
    assert run.status == "ok"
    assert run.counts["retries"] > 0 and len(run.waits) > 0  # the summary reports the waits and retries
