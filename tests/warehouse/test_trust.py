"""Forget leaves nothing and keeps it that way; retention removes expired rows; views are logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_activity, make_person, make_resolver
from sqlalchemy import insert

from leadsig.config import MIN_ACCESS_LOG_MONTHS, RetentionConfig
from leadsig.warehouse import models as m
from leadsig.warehouse import store, trust
from leadsig.warehouse.db import open_warehouse


def _load(engine, resolver, activities):
    resolver.suppression = trust.Suppression.load(engine)
    store.sync_roster(engine, resolver.roster, resolver)
    return store.save_batch(engine, "gh", "acme/api", "review_comments", activities, None, resolver)


def test_forget_then_mine_again_stores_nothing(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = make_resolver(make_person("alice"), make_person("bob"))
    batch = [make_activity(actor_login="alice"), make_activity(actor_login="bob"),
             make_activity(actor_login="alice-alt", actor_email="alice@acme.example")]
    assert _load(engine, resolver, batch) == 3
    counts = trust.forget(engine, "alice", [("github", "alice")], ["alice@acme.example"])
    assert counts["activities"] == 2 and counts["people"] == 1
    assert _load(engine, resolver, batch) == 0  # bob's is unchanged; alice's is refused though still on the roster
    with engine.connect() as conn:
        assert [r[0] for r in conn.exec_driver_sql("select actor_login from activities")] == ["bob"]
        assert [r[0] for r in conn.exec_driver_sql("select id from people")] == ["bob"]
        hashes = [r[0] for r in conn.exec_driver_sql("select hash from suppressions")]
    assert hashes and not any("alice" in h for h in hashes)


def test_retention_removes_expired_rows(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    old, recent = now - timedelta(days=400), now - timedelta(days=20)
    resolver = make_resolver(make_person("alice"))
    _load(engine, resolver, [make_activity(occurred_at=old), make_activity(occurred_at=recent)])
    with engine.begin() as conn:
        conn.execute(insert(m.AccessLog), [{"at": now - timedelta(days=900), "viewer": "x", "action": "export",
                                            "subject_person_id": "alice", "detail": {}},
                                           {"at": now - timedelta(days=10), "viewer": "x", "action": "export",
                                            "subject_person_id": "alice", "detail": {}}])
    months = RetentionConfig(activity_months=12, access_log_months=2).months()
    assert months["access_log"] == MIN_ACCESS_LOG_MONTHS  # never below six months
    deleted = trust.apply_retention(engine, months, now=now)
    assert deleted == {"activities": 1, "signals": 0, "access_log": 1, "feedback": 0, "sign_in_links": 0}
    assert store.table_counts(engine)["activities"] == 1


def test_access_log_records_who_viewed_whom(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    trust.log_access(engine, "report-packet", ["alice"], {"months": 12}, viewer="manager-mo")
    trust.log_access(engine, "report-monthly", ["alice", "bob"], {"month": "2026-10"})
    entries = trust.access_entries(engine, "alice")
    assert [(e["viewer"], e["action"]) for e in entries][0] == ("manager-mo", "report-packet")
    assert len(entries) == 2
    assert len(trust.access_entries(engine, "bob")) == 1
