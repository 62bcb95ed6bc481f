"""Warehouse queries for the reports, returned as pandas DataFrames.

Two queries serve a monthly report whatever its size: light counts (person, type, indicator, impact,
month) over the trend window, and the evidence rows of the report month with their text cut to a
bounded length in SQL, so a one-megabyte comment body is never loaded only to be shortened.
Signals the person or their manager dismissed (warehouse/feedback.py) are left out of both, so no report or
packet shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine, func, select

from leadsig.errors import Problem, UserError
from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import not_dismissed
from leadsig.warehouse.month_counts import MonthCount

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
PEOPLE_COLUMNS = ["id", "name", "team", "level", "start_date", "timezone", "region"]
NO_TEAM = "(no team)"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class MonthWindow:
    """The report month and the months before it that the trend shows."""

    month: str  # YYYY-MM
    start: datetime  # first instant of the month, UTC
    end: datetime  # first instant of the next month, UTC
    months: tuple[str, ...]  # trend months, oldest first, ending with the report month

    @property
    def trend_start(self) -> datetime:
        return month_start(self.months[0])


def month_start(month: str) -> datetime:
    year, mon = int(month[:4]), int(month[5:7])
    return datetime(year, mon, 1, tzinfo=UTC)


def shift_month(month: str, delta: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_complete_month(today: date | None = None) -> str:
    """The default report month: the last one that has ended."""
    return shift_month((today or datetime.now(UTC).date()).strftime("%Y-%m"), -1)


def parse_month(value: str, trend_months: int = 6, key: str = "--month") -> MonthWindow:
    """A YYYY-MM string into its window; anything else is the user's to fix, named as such."""
    match = MONTH_RE.match(value.strip()) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1970 <= int(match.group(1)) <= 9998:
        last = shift_month(date.today().strftime("%Y-%m"), -1)
        raise UserError(Problem(f"not a month: {value!r}", key=key, code="bad-argument",
                                hint=f"use YYYY-MM, e.g. --month {last} for last month"))
    month = f"{match.group(1)}-{match.group(2)}"
    months = tuple(shift_month(month, d) for d in range(-trend_months, 1))
    return MonthWindow(month=month, start=month_start(month), end=month_start(shift_month(month, 1)),
                       months=months)


def load_people(engine: Engine) -> pd.DataFrame:
    """Everyone in the warehouse's roster mirror; missing team, level or region read as explicit labels."""
    p = m.Person.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(*(p.c[c] for c in PEOPLE_COLUMNS))).all()
    df = pd.DataFrame(rows, columns=PEOPLE_COLUMNS)
    df["team"] = df["team"].fillna(NO_TEAM)
    for col in ("level", "region", "timezone"):
        df[col] = df[col].fillna(UNKNOWN)
    df["name"] = df["name"].fillna(df["id"])
    return df


def load_counts(engine: Engine, start: datetime, end: datetime) -> pd.DataFrame:
    """One light row per signal in [start, end): who, type, indicator, impact and the month it fell in."""
    s = m.Signal.__table__
    stmt = select(s.c.person_id, s.c.signal_type, s.c.indicator, s.c.impact, s.c.occurred_at).where(
        s.c.occurred_at >= start, s.c.occurred_at < end, not_dismissed(s))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    df = pd.DataFrame(rows, columns=["person_id", "signal_type", "indicator", "impact", "occurred_at"])
    df["month"] = _months(df["occurred_at"])
    return df


def load_month_counts(engine: Engine, months: tuple[str, ...] | list[str],
                      by: tuple[str, ...] = ("signal_type", "indicator", "impact"),
                      person_ids: list[str] | None = None) -> pd.DataFrame:
    """``load_counts``' signals for whole months, counted: one row per group with its count ``n``.

    The warehouse keeps signals counted per month, person, type, indicator and impact, dismissals left out
    (``warehouse.month_counts``, kept by triggers), so the web overview of a 500-person org reads a few
    thousand rows instead of scanning 200,000 signals, and keeps them counted (the report's aggregates read
    ``n``; a row per signal would be 200,000 rows again). ``by`` names the columns kept beside person and month
    (a trend needs only ``signal_type``; fewer columns, fewer groups).
    """
    c = MonthCount.__table__
    cols = ["person_id", *by, "month", "n"]
    if not months:
        return pd.DataFrame(columns=cols)
    keys = [c.c.person_id, *(c.c[k] for k in by), c.c.month]
    stmt = (select(*keys, func.sum(c.c.n)).where(c.c.month.in_(sorted(months)), c.c.n > 0).group_by(*keys))
    if person_ids is not None:
        stmt = stmt.where(c.c.person_id.in_(person_ids))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    counted = pd.DataFrame(rows, columns=cols)
    counted["n"] = counted["n"].astype(int)
    return counted


def load_evidence(engine: Engine, start: datetime, end: datetime, person_ids: list[str] | None = None,
                  text_limit: int = 600, with_why: bool = False) -> pd.DataFrame:
    """Signals in [start, end) with what a reader needs to judge them: title, repo, link, summary, excerpt;
    ``with_why`` adds each signal's stored why (the packet explains every item; the monthly does not)."""
    s, a = m.Signal.__table__, m.Activity.__table__
    stmt = (
        select(s.c.person_id, s.c.signal_type, s.c.indicator, s.c.impact, s.c.evidence_url, s.c.occurred_at,
               s.c.rule_id, func.substr(s.c.summary, 1, text_limit).label("summary"),
               func.substr(a.c.parent_title, 1, text_limit).label("title"), a.c.repo, a.c.kind,
               a.c.parent_number, func.substr(a.c.body, 1, text_limit).label("excerpt"))
        .select_from(s.join(a, a.c.id == s.c.activity_id, isouter=True))
        .where(s.c.occurred_at >= start, s.c.occurred_at < end, not_dismissed(s))
        .order_by(s.c.occurred_at, s.c.id)
    )
    if person_ids is not None:
        stmt = stmt.where(s.c.person_id.in_(person_ids))
    cols = ["person_id", "signal_type", "indicator", "impact", "evidence_url", "occurred_at", "rule_id", "summary",
            "title", "repo", "kind", "parent_number", "excerpt"]
    if with_why:
        stmt = stmt.add_columns(s.c.why)
        cols.append("why")
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    df = pd.DataFrame(rows, columns=cols)
    df["month"] = _months(df["occurred_at"])
    return df


def _months(col: pd.Series) -> pd.Series:
    if col.empty:
        return pd.Series([], dtype=object, index=col.index)
    return pd.to_datetime(col, utc=True).dt.strftime("%Y-%m")
