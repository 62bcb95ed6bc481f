"""The mining-run table, and the run lock that keeps two nightly runs from interleaving."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, text, update

from warehouse import models as m

LOCK_KEY = int(hashlib.sha256(b"leadsig-nightly").hexdigest()[:15], 16)


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


@contextlib.contextmanager
def run_lock(engine: Engine, timeout: float = 3600.0) -> Iterator[None]:
    """Serialise runs on one warehouse: a PostgreSQL advisory lock, or a file lock beside the SQLite file.

    A second run waits for the first and then finds nothing new, so overlapping schedules never
    double-count and never fight over cursors.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            deadline = time.monotonic() + timeout
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar():
                if time.monotonic() > deadline:
                    raise TimeoutError("another leadsig run holds the warehouse lock")
                time.sleep(0.5)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()
        return
    db = engine.url.database
    if not db or db == ":memory:":
        yield
        return
    with open(Path(db).with_suffix(Path(db).suffix + ".lock"), "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError("another leadsig run holds the warehouse lock") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
