"""Activity records (plain dicts keyed by field name) to the typed DataFrame the engine reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from leadsig.rules.language import fields as F

BASE_COLUMNS = ("id", "person_id", "actor_is_bot", "url", "occurred_at", "extra")
LIST_FIELDS = tuple(f.name for f in F.FIELDS if f.type == F.LIST)


def complete(record: dict[str, Any]) -> dict[str, Any]:
    """Fill derived fields a writer of an example would expect to follow from the others."""
    r = dict(record)
    facts = {k[len(F.EXTRA_PREFIX):]: r.pop(k) for k in [k for k in r if k.startswith(F.EXTRA_PREFIX)]}
    if facts:  # an example's ``extra.draft: true`` (or ``extra: {draft: true}``) is the stored extra's key
        r["extra"] = {**(r.get("extra") or {}), **facts}
    if r.get("body_length") is None and isinstance(r.get("body"), str):
        r["body_length"] = len(r["body"])
    if r.get("lines_changed") is None and (r.get("additions") is not None or r.get("deletions") is not None):
        r["lines_changed"] = (r.get("additions") or 0) + (r.get("deletions") or 0)
    for who, login in (("actor.name", "actor_login"), ("parent_author.name", "parent_author")):
        if r.get(who) is None and isinstance(r.get(login), str):
            r[who] = login.split("@", 1)[0]
    for name in LIST_FIELDS:
        if isinstance(r.get(name), list):
            r[name] = tuple(r[name])
    return r


def records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame with every catalog column, typed as the warehouse loader types them."""
    rows = [complete(r) for r in records]
    data: dict[str, Any] = {}
    for f in F.FIELDS:
        values = [r.get(f.name) for r in rows]
        if f.type in (F.NUM, F.BOOL):
            data[f.name] = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        else:
            data[f.name] = pd.Series(values, dtype=object)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    data["id"] = pd.Series([r.get("id") or f"example:{i}" for i, r in enumerate(rows)], dtype=object)
    data["person_id"] = pd.Series([r.get("person_id", "example") for r in rows], dtype=object)
    data["actor_is_bot"] = np.array([bool(r.get("actor_is_bot", False)) for r in rows])
    data["url"] = pd.Series([r.get("url") or "" for r in rows], dtype=object)
    data["occurred_at"] = pd.Series([r.get("occurred_at") or now for r in rows], dtype=object)
    data["extra"] = pd.Series([r.get("extra") or {} for r in rows], dtype=object)
    return pd.DataFrame(data)


def frame_record(df: pd.DataFrame, i: int) -> dict[str, Any]:
    """Row ``i`` as a record (NaN back to None), for the per-record interpreter."""
    out = {}
    for k, v in df.iloc[i].items():
        out[k] = None if isinstance(v, float) and np.isnan(v) else v
    return out
