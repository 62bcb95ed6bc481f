"""The mining-run table, and the locks that keep overlapping runs from interleaving."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from leadsig.logs import redact
from leadsig.warehouse import models as m
from leadsig.warehouse.locks import warehouse_lock


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


def close_interrupted(engine: Engine, locked_sources: list[str], by_run: int | None = None) -> list[int]:
    """Close the `running` rows of runs that died (kill -9, a lost machine) over any of ``locked_sources``.

    Call it holding those sources' locks: a live run holds the locks of all its sources until it finishes,
    so a run over a source whose lock we now hold cannot be alive. Rows over other sources are left alone.
    Returns the ids closed.
    """
    locked = set(locked_sources)
    note = "interrupted: the process ended before the run finished" + (f" (found by run {by_run})" if by_run else "")
    with engine.begin() as conn:
        rows = conn.execute(
            select(m.MiningRun.id, m.MiningRun.sources, m.MiningRun.errors).where(m.MiningRun.status == "running")
        ).all()
        stale = [r for r in rows if r.id != by_run and locked & set(r.sources or [])]
        for r in stale:
            conn.execute(update(m.MiningRun).where(m.MiningRun.id == r.id).values(
                status="interrupted", ended_at=datetime.now(UTC), errors={**(r.errors or {}), "run": note}))
    return [r.id for r in stale]


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
                errors={where: redact(text) for where, text in errors.items()},  # a token never lands here
            )
        )


@contextlib.contextmanager
def source_locks(engine: Engine, sources: list[str], timeout: float = 3600.0) -> Iterator[None]:
    """Serialise runs over the same source: a second run waits for the first, then finds nothing new, so
    overlapping schedules never double-count or fight over cursors. Runs over different sources (one per
    Prefect worker, say) go in parallel. Locks are taken in name order, so two runs cannot deadlock."""
    with contextlib.ExitStack() as stack:
        for name in sorted(set(sources)):
            stack.enter_context(warehouse_lock(engine, f"source-{name}", timeout))
        yield


def classify_lock(engine: Engine, timeout: float = 3600.0) -> contextlib.AbstractContextManager[None]:
    """One classification at a time: it replaces signals in one transaction per run."""
    return warehouse_lock(engine, "classify", timeout)
