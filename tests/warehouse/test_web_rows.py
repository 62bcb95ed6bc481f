"""The web's personal rows (dismissals, sign-in links, web access-log entries) under retention, export and
forget, like the rest of a person's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from leaks import leaks
from sqlalchemy import insert, select, update
from webapp import build

from leadsig.config import RetentionConfig
from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import Feedback, dismiss
from leadsig.warehouse.invites import Invite
from leadsig.warehouse.people import person_rows
from leadsig.warehouse.trust import apply_retention, forget, log_access

NOW = datetime(2026, 11, 30, tzinfo=UTC)
RULE = "reviews_proactively.default"


@pytest.fixture
def wh(tmp_path, warehouse_url: str):  # noqa: ANN001, ANN201
    wh = build(tmp_path, warehouse_url)
    wh.sig = wh.signal("pat", body="a review pat got feedback on")
    dismiss(wh.engine, wh.sig, RULE, "wrong", "a drive-by approval", "mona (web, manager)")
    log_access(wh.engine, "web-person", ["pat"], {"month": "2026-10"}, "mona (web, manager)")
    wh.invite("pat", now=NOW - timedelta(days=2))
    yield wh
    wh.engine.dispose()


def _age(wh, **older: timedelta) -> None:  # noqa: ANN001
    """Move the feedback, the access log and the sign-in links back in time."""
    with wh.engine.begin() as conn:
        if "feedback" in older:
            conn.execute(update(Feedback).values(at=NOW - older["feedback"]))
        if "log" in older:
            conn.execute(update(m.AccessLog).values(at=NOW - older["log"]))
        if "links" in older:
            conn.execute(update(Invite).values(created_at=NOW - older["links"], expires_at=NOW - older["links"]))


def test_retention_keeps_a_dismissal_while_its_signal_is_stored(wh) -> None:  # noqa: ANN001
    _age(wh, feedback=timedelta(days=800))
    months = RetentionConfig(feedback_months=12, signals_months=48, activity_months=48).months()
    assert apply_retention(wh.engine, months, now=NOW)["feedback"] == 0  # else the signal would come back
    with wh.engine.begin() as conn:
        conn.execute(m.Signal.__table__.delete())  # its signal gone (retention, or the rule retired)
    assert apply_retention(wh.engine, months, now=NOW)["feedback"] == 1
    with wh.engine.connect() as conn:
        assert conn.execute(select(Feedback.id)).all() == []


def test_retention_removes_old_web_log_entries_and_sign_in_links(wh) -> None:  # noqa: ANN001
    fresh = wh.invite("pia", now=NOW)
    _age(wh, log=timedelta(days=400), links=timedelta(days=400))
    with wh.engine.begin() as conn:  # the fresh link stays fresh
        conn.execute(update(Invite).where(Invite.person_id == "pia").values(created_at=NOW, expires_at=NOW))
    deleted = apply_retention(wh.engine, RetentionConfig(access_log_months=6).months(), now=NOW)
    assert deleted["access_log"] >= 2 and deleted["sign_in_links"] == 1  # the view and the feedback entry
    with wh.engine.connect() as conn:
        assert conn.execute(select(m.AccessLog.action)).all() == []
        assert conn.execute(select(Invite.person_id)).scalars().all() == ["pia"]
    assert fresh


def test_export_has_both_sides_of_feedback_links_without_their_hash_and_web_views(wh) -> None:  # noqa: ANN001
    pat, mona = person_rows(wh.engine, "pat"), person_rows(wh.engine, "mona")
    assert [(f["activity_id"], f["verdict"]) for f in pat["feedback"]] == [(wh.sig, "wrong")]
    assert [f["reason"] for f in mona["feedback"]] == ["a drive-by approval"]  # the feedback she gave
    assert [link["role"] for link in pat["sign_in_links"]] == ["person"]
    assert all("token_hash" not in link for link in pat["sign_in_links"])
    assert {v["action"] for v in mona["web_views"]} == {"web-person", "feedback"}
    assert pat["web_views"] == [] and mona["sign_in_links"] == []


def test_forget_leaves_the_web_rows_naming_them_only_by_pseudonym(wh) -> None:  # noqa: ANN001
    with wh.engine.begin() as conn:  # mona, a manager, is herself looked at
        conn.execute(insert(m.AccessLog), [{"at": NOW, "viewer": "ada (web, admin)", "action": "web-person",
                                            "subject_person_id": "mona", "detail": {}}])
    counts = forget(wh.engine, "mona", [], [])
    assert counts["people"] == 1
    assert [t for t in leaks(wh.engine, ["mona"])] == []
    with wh.engine.connect() as conn:
        viewers = conn.execute(select(m.AccessLog.viewer).where(m.AccessLog.subject_person_id == "pat")).scalars()
        assert all(v.endswith("(web, manager)") for v in viewers)  # pat's audit still shows the views
        assert conn.execute(select(Feedback.given_by)).scalar().endswith("(web, manager)")
    forget(wh.engine, "pat", [], [])
    with wh.engine.connect() as conn:
        assert conn.execute(select(Feedback.id)).all() == [] and conn.execute(select(Invite.person_id)).all() == []
