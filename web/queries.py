"""The person page's queries: one month of one person's signals, filtered and paged in SQL.

A person with 10,000 activities must answer fast, so the page never loads more than one page of rows
(text cut in SQL, as reports/data.py does) plus one grouped count that feeds the filters and the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, case, func, select

from leadsig.reports.data import MonthWindow
from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import not_dismissed

PER_PAGE = 25
FILTERS = ("type", "indicator", "impact", "repo")
STRENGTH = case({"high": 0, "medium": 1, "low": 2}, value=m.Signal.__table__.c.impact, else_=3)


@dataclass(frozen=True)
class Filters:
    type: str = ""
    indicator: str = ""
    impact: str = ""
    repo: str = ""

    @classmethod
    def of(cls, params: Any) -> Filters:
        return cls(**{k: str(params.get(k, ""))[:500] for k in FILTERS})

    def query(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FILTERS if getattr(self, k)}


def _where(person_id: str, window: MonthWindow, f: Filters) -> list:
    s, a = m.Signal.__table__, m.Activity.__table__
    clauses = [s.c.person_id == person_id, s.c.occurred_at >= window.start, s.c.occurred_at < window.end,
               not_dismissed(s)]
    for value, col in ((f.type, s.c.signal_type), (f.indicator, s.c.indicator), (f.impact, s.c.impact),
                       (f.repo, a.c.repo)):
        if value:
            clauses.append(col == value)
    return clauses


def month_counts(engine: Engine, person_id: str, window: MonthWindow) -> list[tuple[str, str, str, str, int]]:
    """(type, indicator, impact, repo, count) of the person's signals this month, before filtering."""
    s, a = m.Signal.__table__, m.Activity.__table__
    stmt = (select(s.c.signal_type, s.c.indicator, s.c.impact, a.c.repo, func.count())
            .select_from(s.join(a, a.c.id == s.c.activity_id))
            .where(*_where(person_id, window, Filters()))
            .group_by(s.c.signal_type, s.c.indicator, s.c.impact, a.c.repo))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(stmt).all()]


def signal_page(engine: Engine, person_id: str, window: MonthWindow, f: Filters, page: int,
                per_page: int = PER_PAGE, text_limit: int = 1200) -> list[dict]:
    """One page of signals, strongest first (high impact, then the most recent)."""
    s, a = m.Signal.__table__, m.Activity.__table__
    stmt = (select(s.c.activity_id, s.c.rule_id, s.c.rule_version, s.c.signal_type, s.c.indicator, s.c.impact,
                   s.c.evidence_url, s.c.occurred_at, func.substr(s.c.summary, 1, 600).label("summary"), s.c.why,
                   a.c.repo, a.c.kind, func.substr(a.c.parent_title, 1, 600).label("title"),
                   func.substr(a.c.body, 1, text_limit).label("quote"))
            .select_from(s.join(a, a.c.id == s.c.activity_id))
            .where(*_where(person_id, window, f))
            .order_by(STRENGTH, s.c.occurred_at.desc(), s.c.id)
            .limit(per_page).offset(max(page - 1, 0) * per_page))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings().all()]


def person_row(engine: Engine, person_id: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(m.Person.__table__).where(m.Person.id == person_id)).mappings().first()
    return dict(row) if row else None


def activity_row(engine: Engine, activity_id: str) -> dict | None:
    a = m.Activity.__table__
    cols = [a.c.id, a.c.kind, a.c.repo, a.c.person_id, a.c.actor_login, a.c.url, a.c.occurred_at, a.c.parent_number,
            func.substr(a.c.parent_title, 1, 600).label("title"), func.substr(a.c.body, 1, 4000).label("body")]
    with engine.connect() as conn:
        row = conn.execute(select(*cols).where(a.c.id == activity_id)).mappings().first()
    return dict(row) if row else None


def activity_signals(engine: Engine, activity_id: str) -> list[dict]:
    s = m.Signal.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(s.c.rule_id, s.c.signal_type, s.c.indicator, s.c.impact, s.c.person_id)
                            .where(s.c.activity_id == activity_id).order_by(s.c.rule_id)).mappings().all()
    return [dict(r) for r in rows]
