"""Loads are idempotent upserts, and a cursor moves only together with the rows it covers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import edited, make_activity, make_person, make_resolver
from sqlalchemy import select

from leadsig.warehouse import models as m
from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse


def _activities(engine) -> dict[str, m.Activity]:
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(m.Activity.__table__)).all()}


def test_loading_twice_gives_the_same_rows(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = make_resolver(make_person("alice"))
    batch = [make_activity() for _ in range(1200)]  # more than one upsert chunk
    store.save_batch(engine, "gh", "acme/api", "review_comments", batch, None, resolver)
    first = store.table_counts(engine)
    before = _activities(engine)
    assert store.save_batch(engine, "gh", "acme/api", "review_comments", batch, None, resolver) == 0
    assert store.table_counts(engine) == first
    assert first["activities"] == 1200
    assert _activities(engine) == before  # untouched rows keep even their mined_at


def test_an_edited_activity_updates_in_place(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = make_resolver(make_person("alice"))
    a = make_activity(body="first text")
    store.save_batch(engine, "gh", "acme/api", "review_comments", [a], None, resolver)
    changed = store.save_batch(
        engine,
        "gh",
        "acme/api",
        "review_comments",
        [edited(a, body="edited text", updated_at=datetime(2026, 11, 2, tzinfo=UTC))],
        None,
        resolver,
    )
    rows = _activities(engine)
    assert len(rows) == 1
    assert changed == 1
    assert rows[a.id].body == "edited text"
    assert rows[a.id].person_id == "alice"


def test_cursor_and_rows_commit_together(warehouse_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = make_resolver(make_person("alice"))
    wm = datetime(2026, 10, 5, tzinfo=UTC)

    def boom(*args, **kwargs):
        raise RuntimeError("crash between the rows and the cursor")

    monkeypatch.setattr(store, "set_cursor", boom)
    with pytest.raises(RuntimeError):
        store.save_batch(engine, "gh", "acme/api", "pulls", [make_activity(kind="pr_opened")], wm, resolver)
    assert store.table_counts(engine)["activities"] == 0
    assert store.get_cursors(engine, "gh", "acme/api") == {}
    monkeypatch.undo()
    store.save_batch(engine, "gh", "acme/api", "pulls", [make_activity(kind="pr_opened")], wm, resolver)
    assert store.get_cursors(engine, "gh", "acme/api") == {"pulls": wm}
    assert store.table_counts(engine)["activities"] == 1


def test_hostile_text_is_stored_as_text(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    body = "<script>alert(1)</script>\x00 \u202e reversed \ud800 end" + "x" * 1_000_000
    a = make_activity(body=body)
    store.save_batch(engine, "gh", "acme/api", "review_comments", [a], None, make_resolver())
    stored = _activities(engine)[a.id].body
    assert stored.startswith("<script>alert(1)</script>\ufffd \u202e reversed ")
    assert len(stored) > 1_000_000
