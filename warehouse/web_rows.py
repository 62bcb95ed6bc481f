"""The web view's personal rows under the same rules as the rest: retention, export and forget.

Feedback names two people (whose signal it was, and who gave it); sign-in links name who they were for; the
web's access-log entries name the viewer as ``ID (web, ROLE)``. Retention removes a dismissal only once it is
past ``feedback_months`` and no stored signal carries it any more (deleting it earlier would bring the
dismissed signal back into reports), and used or expired sign-in links once they are older than the access
log is kept. Export gives a person both sides of their feedback, their sign-in links (never the token hash)
and what they viewed in the web; forget names them in others' rows only by their pseudonym.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, or_, select, update

from leadsig.warehouse import models as m
from leadsig.warehouse.feedback import Feedback
from leadsig.warehouse.invites import Invite


def viewer_labels(person_id: str) -> Any:
    """WHERE clause: access-log rows whose viewer is this person in the web (``ID (web, ROLE)``)."""
    a = m.AccessLog.__table__
    return a.c.viewer.like(f"{_escaped(person_id)} (web, %", escape="\\")


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def expire(conn: Connection, feedback_before: datetime, links_before: datetime) -> dict[str, int]:
    """Delete dismissals past retention whose signal is gone, and sign-in links that ended long ago."""
    f, s, i = Feedback.__table__, m.Signal.__table__, Invite.__table__
    carried = exists().where(and_(s.c.activity_id == f.c.activity_id, s.c.rule_id == f.c.rule_id))
    gone = conn.execute(delete(f).where(f.c.at < feedback_before, ~carried)).rowcount
    links = conn.execute(delete(i).where(or_(i.c.used_at < links_before, i.c.expires_at < links_before))).rowcount
    return {"feedback": gone, "sign_in_links": links}


def person_rows(conn: Connection, person_id: str) -> dict[str, list[Any]]:
    """Feedback on their signals and given by them, their sign-in links, and their page views in the web."""
    f, i, a = Feedback.__table__, Invite.__table__, m.AccessLog.__table__
    given_by = f.c.given_by.like(f"{_escaped(person_id)} (%", escape="\\")
    return {
        "feedback": conn.execute(select(f).where(or_(f.c.person_id == person_id, given_by))
                                 .order_by(f.c.at, f.c.id)).mappings().all(),
        "sign_in_links": conn.execute(select(i.c.role, i.c.created_by, i.c.created_at, i.c.expires_at, i.c.used_at)
                                      .where(i.c.person_id == person_id).order_by(i.c.created_at)).mappings().all(),
        "web_views": conn.execute(select(a).where(viewer_labels(person_id)).order_by(a.c.at, a.c.id))
                     .mappings().all(),
    }


def forget_viewer(conn: Connection, person_id: str, alias: str) -> int:
    """Their page views of others stay on record (the others' audit needs them) under their pseudonym."""
    a = m.AccessLog.__table__
    rows = conn.execute(select(a.c.id, a.c.viewer).where(viewer_labels(person_id))).all()
    for row_id, viewer in rows:
        conn.execute(update(a).where(a.c.id == row_id).values(viewer=alias + viewer[len(person_id):]))
    return len(rows)
