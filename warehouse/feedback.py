"""Feedback on signals: the person or their manager says a signal is wrong or a duplicate, and why.

Feedback is keyed to (activity id, rule id), not to a signal row: classification replaces signal rows, and
a dismissal must survive that. Dismissed signals stay in the warehouse (the rule's figures need them) but
reports, packets and the web view leave them out; each rule's observed precision counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, Index, String, Text, UniqueConstraint, and_, case, exists, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from leadsig.errors import Problem, UserError
from leadsig.warehouse import models as m

VERDICTS = ("wrong", "duplicate")
MAX_REASON = 2000


class Feedback(m.Base):
    __tablename__ = "signal_feedback"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(String(700))  # no FK: feedback outlives a re-mined activity row
    rule_id: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(String(200))  # whose signal it was
    verdict: Mapped[str] = mapped_column(String(20))  # wrong | duplicate
    reason: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(m.UTCDateTime)
    __table_args__ = (
        UniqueConstraint("activity_id", "rule_id", name="uq_signal_feedback_activity_rule"),
        Index("ix_signal_feedback_rule", "rule_id"),
        Index("ix_signal_feedback_person", "person_id"),
    )


def not_dismissed(signals=None) -> ColumnElement[bool]:  # noqa: ANN001 - a signals table or alias
    """WHERE clause for signal queries: no feedback row dismisses this (activity, rule)."""
    s = m.Signal.__table__ if signals is None else signals
    f = Feedback.__table__
    return ~exists().where(and_(f.c.activity_id == s.c.activity_id, f.c.rule_id == s.c.rule_id))


def dismiss(engine: Engine, activity_id: str, rule_id: str, verdict: str, reason: str, given_by: str) -> None:
    """Record the verdict on a stored signal and log it about the signal's person, in one transaction.

    The log row is written here rather than through ``trust.log_access``: ``trust.forget`` removes feedback,
    so this module must not import ``trust`` (no import cycles)."""
    reason = (reason or "").strip()
    if verdict not in VERDICTS:
        raise UserError(Problem(f"unknown verdict {verdict!r}", key="verdict", hint="wrong or duplicate",
                                code="bad-argument"))
    if not reason or len(reason) > MAX_REASON:
        raise UserError(Problem("a reason is needed (up to 2000 characters)", key="reason",
                                hint="say what the signal got wrong, or which signal it duplicates",
                                code="bad-argument"))
    s = m.Signal.__table__
    with engine.begin() as conn:
        person = conn.execute(select(s.c.person_id).where(s.c.activity_id == activity_id,
                                                          s.c.rule_id == rule_id)).scalar()
        if person is None:
            raise UserError(Problem(f"no signal of rule {rule_id!r} on activity {activity_id!r}", key="signal",
                                    code="not-found"))
        ins = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(Feedback)
        row = {"activity_id": activity_id, "rule_id": rule_id, "person_id": person, "verdict": verdict,
               "reason": reason, "given_by": given_by, "at": datetime.now(UTC)}
        conn.execute(ins.values(**row).on_conflict_do_update(
            index_elements=["activity_id", "rule_id"],
            set_={k: row[k] for k in ("verdict", "reason", "given_by", "at")}))
        conn.execute(insert(m.AccessLog).values(  # in the same transaction: no feedback goes unlogged
            at=row["at"], viewer=given_by, action="feedback", subject_person_id=person,
            detail={"activity": activity_id, "rule": rule_id, "verdict": verdict}))


@dataclass(frozen=True)
class RuleFigures:
    """What feedback says of one rule: of ``signals`` stored, ``dismissed`` were marked wrong or duplicate."""

    rule_id: str
    signals: int
    dismissed: int

    @property
    def precision(self) -> float | None:
        return (self.signals - self.dismissed) / self.signals if self.signals else None


def rule_figures(engine: Engine) -> dict[str, RuleFigures]:
    """Observed precision per rule, from the stored signals and the feedback given on them."""
    s, f = m.Signal.__table__, Feedback.__table__
    dismissed = exists().where(and_(f.c.activity_id == s.c.activity_id, f.c.rule_id == s.c.rule_id))
    stmt = select(s.c.rule_id, func.count(), func.sum(case((dismissed, 1), else_=0))).group_by(s.c.rule_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return {r: RuleFigures(r, int(n), int(d or 0)) for r, n, d in rows}


def feedback_on(engine: Engine, activity_ids: list[str]) -> dict[tuple[str, str], dict]:
    """Feedback rows on these activities, keyed (activity id, rule id)."""
    f = Feedback.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(f).where(f.c.activity_id.in_(activity_ids))).mappings().all()
    return {(r["activity_id"], r["rule_id"]): dict(r) for r in rows}


def observed_precision_lines(figures: dict[str, RuleFigures], rule_ids: list[str] | None = None) -> list[str]:
    """One line per rule that has feedback: the figure `rules test`, `rules diff` and the lead's view show."""
    lines = []
    for rid in sorted(rule_ids if rule_ids is not None else figures):
        fig = figures.get(rid)
        if fig is None or not fig.dismissed:
            continue
        lines.append(f"{rid}: observed precision {fig.precision:.2f} ({fig.dismissed} of {fig.signals} stored "
                     "signals dismissed as wrong or duplicate)")
    return lines
