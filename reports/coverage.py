"""What the warehouse has mined, so a report says what it cannot know instead of showing zeros.

A month nobody mined is not a quiet month: a report of it would look complete and empty. Coverage runs from
the first day mined (the config's ``since``, or the oldest stored activity if a run reached further back) to
the last time a mining run finished or stored anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from sqlalchemy import Engine, func, select

from leadsig.errors import Problem, UserError
from leadsig.reports.data import MonthWindow
from leadsig.warehouse import models as m

log = logging.getLogger("leadsig.reports")


@dataclass(frozen=True)
class Coverage:
    """Activity was mined from ``start`` to ``end``; both None when nothing has been mined yet."""

    start: datetime | None
    end: datetime | None


def mined_coverage(engine: Engine, since: date | None) -> Coverage:
    a, r = m.Activity.__table__, m.MiningRun.__table__
    with engine.connect() as conn:
        # one aggregate per query: each is then read from its index's end; together they scan the table
        oldest = conn.execute(select(func.min(a.c.occurred_at))).scalar()
        last_stored = conn.execute(select(func.max(a.c.mined_at))).scalar()
        last_run = conn.execute(select(func.max(r.c.ended_at)).where(r.c.status != "running")).scalar()
    ends = [t for t in (last_stored, last_run) if t is not None]
    if not ends:
        return Coverage(None, None)
    starts = [t for t in (oldest, datetime.combine(since, time(), UTC) if since else None) if t is not None]
    return Coverage(_utc(min(starts)) if starts else None, _utc(max(ends)))


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def check_month(window: MonthWindow, cov: Coverage) -> None:
    """A month with nothing mined in it is refused, before anything is written."""
    month = window.month
    if cov.end is None:
        raise UserError(Problem(f"nothing has been mined yet, so {month} has no data to report", key="--month",
                                hint="run leadsig mine first", code="not-mined"))
    if window.start > cov.end:
        raise UserError(Problem(f"{month} has not been mined: the warehouse was last mined on {cov.end:%Y-%m-%d}",
                                key="--month", code="not-mined",
                                hint=f"pick a month up to {cov.end:%Y-%m}, or run leadsig mine once {month} has begun"))
    if cov.start is not None and window.end <= cov.start:
        raise UserError(Problem(f"{month} was not mined: mining began on {cov.start:%Y-%m-%d}", key="--month",
                                code="not-mined", hint=f"pick a month from {cov.start:%Y-%m} on, or set since: "
                                                       f"{month}-01 in the config and run leadsig mine --full"))


def mined_window(window: MonthWindow, cov: Coverage) -> tuple[MonthWindow, list[str]]:
    """The window with the trend months before mining began left out (they would read as zeros, as growth),
    and the notes a reader needs about what this report cannot see. Notes are logged as warnings too."""
    notes = []
    if cov.start is not None and window.start < cov.start:
        notes.append(f"Activity was mined from {cov.start:%Y-%m-%d} on: {window.month} before that day is "
                     "missing from this report, not quiet.")
    if cov.end is not None and window.end > cov.end:
        notes.append(f"Activity was last mined on {cov.end:%Y-%m-%d %H:%M} UTC: anything later in {window.month} "
                     "is not in this report.")
    months = window.months
    if cov.start is not None:
        first = cov.start.strftime("%Y-%m")
        months = tuple(mo for mo in window.months if mo >= first)
        if len(months) < len(window.months):
            notes.append(f"The trends start at {months[0]}: months before it were not mined, so they are left out "
                         "rather than shown as zeros.")
    for note in notes:
        log.warning(note)
    return replace(window, months=months), notes
