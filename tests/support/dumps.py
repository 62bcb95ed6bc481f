"""Ordered, comparable dumps of a warehouse (volatile bookkeeping columns left out)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, select

from leadsig.warehouse import models as m
from leadsig.warehouse.etags import ListingETag

VOLATILE = {"mined_at", "classified_at", "updated_at_cursor", "id_signal"}
TABLES = {
    "activities": (m.Activity, ["id"], {"mined_at"}),
    "signals": (m.Signal, ["activity_id", "rule_id"], {"id", "classified_at"}),
    "cursors": (m.Cursor, ["source", "repo", "stream"], {"updated_at"}),
    "identities": (m.Identity, ["forge", "host", "login"], {"id"}),
    "repositories": (m.Repository, ["forge", "host", "full_name"], {"id"}),
}


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for name, (model, order, skip) in TABLES.items():
            cols = [c for c in model.__table__.c if c.name not in skip]
            rows = conn.execute(select(*cols).order_by(*[model.__table__.c[k] for k in order])).all()
            out[name] = [tuple(r) for r in rows]
    return out


def wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        for model in (m.Signal, m.Activity, m.Cursor, ListingETag, m.Identity, m.Repository, m.MiningRun, m.Person):
            conn.execute(delete(model))
