"""The mining-run table, and the run lock that keeps two nightly runs from interleaving."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from warehouse import models as m
from warehouse.locks import warehouse_lock


def start_run(engine: Engine, sources: list[str]) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(m.MiningRun)
            .values(
                started_at=datetime.now(UTC),
                status="running",
                sources=sources,
                counts={},
                requests=0,
                waits=[],
                errors={},
            )
            .returning(m.MiningRun.id)
        ).scalar_one()


def finish_run(
    engine: Engine,
    run_id: int,
    status: str,
    counts: dict[str, Any],
    requests: int,
    waits: list[Any],
    errors: dict[str, str],
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(m.MiningRun)
            .where(m.MiningRun.id == run_id)
            .values(
                ended_at=datetime.now(UTC),
                status=status,
                counts=counts,
                requests=requests,
                waits=waits,
                errors=errors,
            )
        )


def last_runs(engine: Engine, n: int = 5) -> list[m.MiningRun]:
    with engine.connect() as conn:
        return list(
            conn.execute(select(m.MiningRun.__table__).order_by(m.MiningRun.id.desc()).limit(n)).all()
        )


def run_lock(engine: Engine, timeout: float = 3600.0) -> contextlib.AbstractContextManager[None]:
    """Serialise runs on one warehouse: a second run waits for the first, then finds nothing new, so
    overlapping schedules never double-count and never fight over cursors."""
    return warehouse_lock(engine, "run", timeout)
