"""A run killed mid-way (kill -9, a lost machine) leaves its mining_runs row `running`; the next run over
one of its sources takes the lock the dead run can no longer hold, and closes that row as `interrupted`.
A row of a source the new run did not lock may belong to a live run: it stays as it is."""

from __future__ import annotations

from pathlib import Path

from simconfig import write_sim_config
from sqlalchemy import select
from stubforge import stub_forge

from leadsig.warehouse import models as m
from leadsig.warehouse import runs
from leadsig.warehouse.db import open_warehouse


def _rows(url: str) -> dict[int, m.MiningRun]:
    engine = open_warehouse(url)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(m.MiningRun.__table__).order_by(m.MiningRun.id)).all()}
    engine.dispose()
    return rows


def test_the_next_run_closes_a_killed_runs_row(tmp_path: Path, warehouse_url: str) -> None:
    from leadsig.flows.pipeline import mining_run

    engine = open_warehouse(warehouse_url)
    killed = runs.start_run(engine, ["gh", "gl"])  # what a killed run leaves behind: no finish_run
    elsewhere = runs.start_run(engine, ["gl"])  # over a source the next run does not lock
    engine.dispose()
    with stub_forge(200, b"[]") as (url, _):
        cfg = write_sim_config(tmp_path / "leadsig.yaml", url, warehouse_url)
        with mining_run(str(cfg), "gh", None, False):
            during = _rows(warehouse_url)
    assert during[killed].status == "interrupted" and during[killed].ended_at is not None
    assert "interrupted" in during[killed].errors["run"]
    assert during[elsewhere].status == "running" and during[elsewhere].ended_at is None
    after = _rows(warehouse_url)
    assert [r.status for r in after.values()] == ["interrupted", "running", "ok"]
