"""Warehouse-wide locks: a PostgreSQL advisory lock, or a file lock beside the SQLite file.

Used to serialise schema migrations and nightly runs between processes (and threads) on one warehouse.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, text


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
    with open(os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+") as fh:
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


def erasure_guard(conn: Connection, exclusive: bool) -> None:
    """Order a transaction that stores people's data (shared) against one that erases a person (exclusive).

    Held to the end of ``conn``'s transaction. A loader takes it before it reads the suppression list, so a
    forget either finishes first (and the loader refuses the person) or waits for the loader's commit (and
    deletes what it wrote). PostgreSQL: a transaction-level advisory lock. SQLite has one writer at a time:
    a no-op write takes that lock now, so nothing read after it can change before the commit.
    """
    if conn.dialect.name == "postgresql":
        fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {fn}(:k)"), {"k": lock_key("erasure")})
    else:
        conn.execute(text("UPDATE settings SET value = value WHERE 1 = 0"))
