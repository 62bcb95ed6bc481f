"""Signals counted per month, person, type, indicator and impact, kept current by the database itself.

The web's month overview of a 500-person organisation needs seven months of counts; counting them from the
signals table reads every one of ~200,000 rows on each page view (seconds on SQLite). This table holds the
same numbers, a few thousand rows, so the overview reads them instead.

Triggers (migration 0006_month_counts) keep it exact whatever writes signals or feedback: classification,
``forget``, retention, opt-outs, pseudonymisation, re-mining (activity deletes cascade to signals) and
dismissals. A signal counts while no feedback row dismisses its (activity, rule), the rule reports and
``not_dismissed`` apply. Rows may fall to n = 0; readers skip them. ``recount`` rebuilds the table from the
signals, for a check or a repair.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import not_dismissed


class MonthCount(m.Base):
    __tablename__ = "signal_month_counts"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-10", of occurred_at in UTC
    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    signal_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(100), primary_key=True)
    impact: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


def month_of(conn: Connection, column: ColumnElement) -> ColumnElement[str]:
    """The UTC month of a stored timestamp, as the triggers compute it on this backend."""
    if conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS"


def recount(conn: Connection) -> None:
    """Rebuild the counts from the signals (the triggers keep them; this is for checks and repairs)."""
    s = m.Signal.__table__
    month = month_of(conn, s.c.occurred_at)
    keys = [month, s.c.person_id, s.c.signal_type, s.c.indicator, s.c.impact]
    conn.execute(delete(MonthCount))
    conn.execute(insert(MonthCount).from_select(
        ["month", "person_id", "signal_type", "indicator", "impact", "n"],
        select(*keys, func.count().label("n")).where(not_dismissed(s)).group_by(*keys)))


def stored_counts(conn: Connection) -> dict[tuple[str, str, str, str, str], int]:
    """Every non-zero count, keyed (month, person, type, indicator, impact)."""
    c = MonthCount.__table__
    rows = conn.execute(select(c.c.month, c.c.person_id, c.c.signal_type, c.c.indicator, c.c.impact, c.c.n)
                        .where(c.c.n != 0)).all()
    return {tuple(r[:5]): int(r[5]) for r in rows}
