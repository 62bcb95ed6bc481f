"""Activities the forge no longer has (a revoked approval) are deleted with their signals, and only those."""

from __future__ import annotations

from datetime import UTC, datetime

from factories import make_activity, make_resolver
from sqlalchemy import select

from leadsig.batch import ThreadPart
from leadsig.warehouse import models as m
from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse


def _approval(native: str, repo: str = "g/p", number: int = 1):
    return make_activity(forge="gitlab", host="gitlab.com", kind="pr_review", native_id=native, state="approved",
                         repo=repo, parent_number=number)


def test_stored_ids_under_a_prefix_that_the_forge_no_longer_lists_go_with_their_signals(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    keep, gone = _approval("g/p!1:approval:7"), _approval("g/p!1:approval:8")
    other_mr = _approval("g/p!12:approval:8", number=12)  # another MR of the repo
    comment = make_activity(forge="gitlab", host="gitlab.com", kind="pr_comment", native_id="g/p!1:note:5",
                            repo="g/p", parent_number=1)  # the same MR, not an approval
    store.save_batch(engine, "gl", "g/p", "pulls", [keep, gone, other_mr, comment], None, make_resolver())
    with engine.begin() as conn:
        conn.execute(m.Signal.__table__.insert(), [{
            "activity_id": gone.id, "person_id": "p", "signal_type": "technical", "indicator": "x", "impact": "low",
            "evidence_url": "u", "occurred_at": datetime(2025, 1, 1, tzinfo=UTC), "rule_id": "r", "rule_version": 1,
            "rule_hash": "h", "summary": "s", "why": {}, "classified_at": datetime(2025, 1, 1, tzinfo=UTC)}])
    part = ThreadPart("gitlab", "gitlab.com", "g/p", 1, gone.id.rsplit(":", 1)[0] + ":")
    store.save_batch(engine, "gl", "g/p", "pulls", [keep], None, make_resolver(), current={part: {keep.id}})
    with engine.connect() as conn:
        ids = set(conn.execute(select(m.Activity.id)).scalars())
        signals = conn.execute(select(m.Signal.activity_id)).scalars().all()
    assert ids == {keep.id, other_mr.id, comment.id}
    assert signals == []
