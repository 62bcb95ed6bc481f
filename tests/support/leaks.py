"""Where a person's identifiers are still stored: every column of every table, read as text."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, MetaData, select


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def leaks(engine: Engine, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for each column that holds one of ``needles`` (case-insensitive substring)."""
    wanted = [n.lower() for n in needles if n]
    meta = MetaData()
    meta.reflect(engine)
    found: set[tuple[str, str, str]] = set()
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for col, value in row.items():
                    text = _text(value).lower()
                    found.update((table.name, col, n) for n in wanted if n in text)
    return sorted(found)
