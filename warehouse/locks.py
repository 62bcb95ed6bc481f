"""Warehouse-wide locks: a PostgreSQL advisory lock, or a file lock beside the SQLite file.

Used to serialise schema migrations and nightly runs between processes (and threads) on one warehouse.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, text


def lock_key(name: str) -> int:
    return int(hashlib.sha256(f"leadsig-{name}".encode()).hexdigest()[:15], 16)


@contextlib.contextmanager
def warehouse_lock(engine: Engine, name: str, timeout: float = 3600.0) -> Iterator[None]:
    """Hold the lock ``name`` on this warehouse; waits (polling) up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    if engine.dialect.name == "postgresql":
        key = lock_key(name)
        with engine.connect() as conn:
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                conn.commit()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another leadsig process holds the warehouse {name} lock")
                time.sleep(0.2)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    db = engine.url.database
    if not db or db == ":memory:":
        yield
        return
    path = Path(db).with_name(Path(db).name + f".{name}.lock")
    with open(path, "a+") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another leadsig process holds the warehouse {name} lock") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
