"""The nightly flow under Prefect: mines both forges, classifies, records the run, fails only what failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from simconfig import write_sim_config
from sqlalchemy import create_engine, select

from miners.simulator.server import ForgeSimulator
from warehouse import models as m


def _runs(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(m.MiningRun.__table__).order_by(m.MiningRun.id)).all()
    engine.dispose()
    return rows


def test_nightly_mines_both_forges_and_records_the_run(prefect_harness, tmp_path: Path, sqlite_url: str) -> None:
    from flows.nightly import nightly

    with ForgeSimulator(size="tiny", seed=11) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, sqlite_url)
        state = nightly(config_path=str(cfg), return_state=True)
    assert state.is_completed(), state.message
    (run,) = _runs(sqlite_url)
    assert run.status == "ok"
    kinds = run.counts["activities"]
    assert kinds.get("pr_review", 0) > 0 and kinds.get("review_comment", 0) > 0 and kinds.get("issue_comment", 0) > 0
    assert run.requests > 0
    # the simulated org ends 2025-06-30, so the default 12-month retention has old activity to delete
    assert run.counts["retention_deleted"]["activities"] > 0


def test_one_failing_repo_fails_the_run_but_not_the_others(prefect_harness, tmp_path: Path, sqlite_url: str) -> None:
    from flows.nightly import nightly

    with ForgeSimulator(size="tiny", seed=11) as sim:
        cfg = write_sim_config(
            tmp_path / "leadsig.yaml", sim.url, sqlite_url, gitlab=False, extra_repos=["acme/does-not-exist"]
        )
        state = nightly(config_path=str(cfg), return_state=True)
    assert state.is_failed()
    (run,) = _runs(sqlite_url)
    assert run.status == "failed"
    assert list(run.errors) == ["gh/acme/does-not-exist"]
    assert sum(run.counts["activities"].values()) > 0  # the other repos were mined


@pytest.mark.parametrize("runs", [2])
def test_overlapping_runs_end_like_one_run(tmp_path: Path, warehouse_url: str, runs: int) -> None:
    """Two `leadsig mine` runs at once on one warehouse leave the same rows as a single run."""
    import threading

    from flows.mine_cli import run_mine
    from warehouse.db import open_warehouse
    from warehouse.store import table_counts

    with ForgeSimulator(size="tiny", seed=5) as sim:
        single = tmp_path / "single"
        single.mkdir()
        one_url = f"sqlite:///{single / 'w.db'}"
        run_mine(
            str(write_sim_config(single / "leadsig.yaml", sim.url, one_url)), None, None, None, False, classify=False
        )
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, warehouse_url)
        threads = [
            threading.Thread(target=run_mine, args=(str(cfg), None, None, None, False, False)) for _ in range(runs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    expected = table_counts(open_warehouse(one_url))
    got = table_counts(open_warehouse(warehouse_url))
    for table in ("activities", "identities", "repositories", "cursors"):
        assert got[table] == expected[table], table
    assert got["mining_runs"] == runs
