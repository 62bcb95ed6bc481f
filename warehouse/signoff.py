"""Senior leaders' decisions on a promotion packet: FRAMEWORK.md's "at least three senior leaders agree".

leadsig never decides: it records who said agree or disagree, when, with their note, and shows whether the
framework's rule holds. A leader may change their mind; their latest decision is the one that counts, and
every earlier one stays on record. Sign-offs are personal data of the nominee: export, forget and audit
cover them (warehouse/people.py, warehouse/trust.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Index, Integer, String, Text, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from leadsig.errors import Problem, UserError
from leadsig.warehouse.models import AccessLog, Base, UTCDateTime
from leadsig.warehouse.viewer import viewer_name

DECISIONS = ("agree", "disagree")
REQUIRED_AGREEMENTS = 3  # FRAMEWORK.md: at least three senior leaders must agree
MAX_NOTE = 2000


class SignOff(Base):
    """One decision by one senior leader about one person's promotion."""

    __tablename__ = "signoffs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(200))  # the nominee (no FK: the roster owns people)
    signed_by: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(20))  # agree | disagree
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_signoffs_person", "person_id", "at"),)


@dataclass(frozen=True)
class Standing:
    """Each leader's latest decision, and whether the framework's rule holds."""

    latest: list[dict[str, Any]]  # one row per leader, by name
    history: list[dict[str, Any]]  # every decision, oldest first
    agree: int
    disagree: int

    @property
    def holds(self) -> bool:
        return self.agree >= REQUIRED_AGREEMENTS


def record(engine: Engine, person_id: str, by: str, decision: str, note: str | None = None,
           viewer: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Store one decision and its access-log entry in one transaction: no decision goes unlogged."""
    by = (by or "").strip()
    if decision not in DECISIONS:
        raise UserError(Problem(f"not a decision: {decision!r}", key="--decision", hint="agree or disagree",
                                code="bad-argument"))
    if not by or len(by) > 200:
        raise UserError(Problem("--by needs the senior leader's name (1-200 characters)", key="--by",
                                hint='--by "Dana Ortiz"', code="bad-argument"))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise UserError(Problem(f"the note is {len(note)} characters; the limit is {MAX_NOTE}", key="--note",
                                hint="link to a longer write-up instead", code="bad-argument"))
    row = {"person_id": person_id, "signed_by": by, "decision": decision, "note": note,
           "at": now or datetime.now(UTC)}
    with engine.begin() as conn:
        conn.execute(insert(SignOff), [row])
        conn.execute(insert(AccessLog), [{"at": row["at"], "viewer": viewer_name(viewer), "action": "packet-sign",
                                          "subject_person_id": person_id,
                                          "detail": {"by": by, "decision": decision}}])
    return row


def rows(engine: Engine | Connection, person_id: str) -> list[dict[str, Any]]:
    """Every decision about a person, oldest first (export reads these)."""
    stmt = select(SignOff.__table__).where(SignOff.person_id == person_id).order_by(SignOff.at, SignOff.id)
    if isinstance(engine, Connection):
        return [dict(r) for r in engine.execute(stmt).mappings()]
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def standing(engine: Engine, person_id: str) -> Standing:
    history = rows(engine, person_id)
    latest: dict[str, dict[str, Any]] = {}
    for r in history:  # oldest first: a later decision by the same leader replaces the earlier one
        latest[r["signed_by"].casefold()] = r
    ordered = sorted(latest.values(), key=lambda r: r["signed_by"].casefold())
    return Standing(latest=ordered, history=history, agree=sum(r["decision"] == "agree" for r in ordered),
                    disagree=sum(r["decision"] == "disagree" for r in ordered))


def forget(conn: Connection, person_id: str, names: list[str], alias: str) -> int:
    """Inside forget's transaction: the nominee's sign-offs go with the rest of their data, and where the
    forgotten person signed someone else's packet, the decision stays under their pseudonym."""
    deleted = conn.execute(delete(SignOff).where(SignOff.person_id == person_id)).rowcount
    own = sorted({n.casefold() for n in [*names, person_id] if n})
    if own:
        conn.execute(update(SignOff).where(func.lower(SignOff.signed_by).in_(own)).values(signed_by=alias))
    return deleted
