"""Feedback: a dismissed signal leaves the reports and packets, survives re-classification, is logged, and
lowers its rule's observed precision."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select
from webapp import build

from leadsig.errors import UserError
from leadsig.reports.monthly import build_monthly
from leadsig.reports.packet import build_packet
from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import dismiss, observed_precision_lines, rule_figures
from leadsig.warehouse.trust import access_entries

RULE = "reviews_proactively.default"


@pytest.fixture
def fresh(tmp_path: Path, warehouse_url: str):  # noqa: ANN201
    """SQLite, and PostgreSQL when LEADSIG_TEST_POSTGRES is set: the upsert and the NOT EXISTS are SQL."""
    wh = build(tmp_path, warehouse_url)
    wh.kept = wh.signal("pat", body="kept signal", url="https://github.com/acme/api/pull/801#r1")
    wh.gone = wh.signal("pat", body="dismissed signal", url="https://github.com/acme/api/pull/802#r2")
    yield wh
    wh.engine.dispose()


def test_a_dismissed_signal_is_left_out_of_the_monthly_report_and_the_packet(fresh) -> None:  # noqa: ANN001
    dismiss(fresh.engine, fresh.gone, RULE, "wrong", "a drive-by approval, not a review", "pat (web, person)")
    cfg = fresh.config()
    paths = build_monthly(fresh.engine, cfg, "2026-10")
    for fmt in ("html", "md", "csv"):
        text = paths[fmt].read_text()
        assert "pull/801" in text and "pull/802" not in text, fmt
    packet = build_packet(fresh.engine, cfg, "pat", months=3, now=datetime(2026, 11, 30, tzinfo=UTC))["md"].read_text()
    assert "pull/801" in packet and "pull/802" not in packet


def test_a_dismissal_survives_reclassification(fresh) -> None:  # noqa: ANN001
    dismiss(fresh.engine, fresh.gone, RULE, "duplicate", "same as the review on #801", "mona (web, manager)")
    s = m.Signal.__table__
    with fresh.engine.begin() as conn:  # what classify does when a rule changes: the row goes, a new one comes
        row = dict(conn.execute(select(s).where(s.c.activity_id == fresh.gone)).mappings().one())
        conn.execute(delete(s).where(s.c.activity_id == fresh.gone))
        conn.execute(insert(s), [{**{k: v for k, v in row.items() if k != "id"}, "rule_version": 2}])
    text = build_monthly(fresh.engine, fresh.config(), "2026-10")["csv"].read_text()
    assert "pull/801" in text and "pull/802" not in text


def test_feedback_is_logged_and_counts_toward_observed_precision(fresh) -> None:  # noqa: ANN001
    dismiss(fresh.engine, fresh.gone, RULE, "wrong", "not a review", "pat (web, person)")
    fig = rule_figures(fresh.engine)[RULE]
    assert (fig.signals, fig.dismissed, fig.precision) == (2, 1, 0.5)
    assert observed_precision_lines(rule_figures(fresh.engine)) == [
        f"{RULE}: observed precision 0.50 (1 of 2 stored signals dismissed as wrong or duplicate)"]
    entry = [e for e in access_entries(fresh.engine, "pat") if e["action"] == "feedback"][-1]
    assert entry["viewer"] == "pat (web, person)" and entry["detail"]["verdict"] == "wrong"


@pytest.mark.parametrize(("verdict", "reason", "message"), [("meh", "x", "unknown verdict"),
                                                             ("wrong", "  ", "a reason is needed")])
def test_feedback_needs_a_known_verdict_and_a_reason(fresh, verdict: str, reason: str, message: str) -> None:  # noqa: ANN001
    with pytest.raises(UserError, match=message):
        dismiss(fresh.engine, fresh.gone, RULE, verdict, reason, "pat")
    assert rule_figures(fresh.engine)[RULE].dismissed == 0


def test_forgetting_a_person_removes_feedback_on_their_signals_and_their_links(fresh) -> None:  # noqa: ANN001
    from leadsig.warehouse.feedback import Feedback
    from leadsig.warehouse.invites import Invite
    from leadsig.warehouse.trust import forget

    other = fresh.signal("pia", body="pia's review")
    dismiss(fresh.engine, fresh.gone, RULE, "wrong", "not a review", "pat (web, person)")
    dismiss(fresh.engine, other, RULE, "duplicate", "pat says so", "pat (web, manager)")
    fresh.invite("pat")
    counts = forget(fresh.engine, "pat", [], [])
    assert counts["feedback"] == 1
    with fresh.engine.connect() as conn:
        given = conn.execute(select(Feedback.person_id, Feedback.given_by)).all()
        assert conn.execute(select(Invite.person_id)).all() == []
    assert len(given) == 1 and given[0][0] == "pia" and "pat" not in given[0][1]
