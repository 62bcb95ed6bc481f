"""Who is asking, and what they may see: proxy header (from configured addresses only) or invite session.

Every refusal is written to the access log about the person it concerned, so an attempt to read someone's
page shows up in that person's ``audit``; the response itself says only that it was refused.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select
from starlette.requests import Request

from leadsig.config import Config
from leadsig.warehouse import models as m
from leadsig.warehouse.trust import log_access

SECRET_KEY = "web_session_secret"


@dataclass(frozen=True)
class Viewer:
    person_id: str | None  # None: an admin or lead known by login who is not on the roster
    role: str
    teams: tuple[str, ...]
    label: str  # how the access log names them

    def can_see(self, person_id: str | None, team: str | None) -> bool:
        """A person their own data; a manager their teams'; an admin everyone's."""
        if self.role == "admin":
            return True
        if person_id is not None and person_id == self.person_id:
            return True
        return self.role == "manager" and team is not None and team in self.teams

    @property
    def sees_rules(self) -> bool:
        return self.role in ("lead", "admin")


class Refused(Exception):
    """A request that must get 401 or 403; ``subject`` is whose data it was after (for the access log)."""

    def __init__(self, status: int, reason: str, subject: str | None = None):
        super().__init__(reason)
        self.status, self.reason, self.subject = status, reason, subject


def session_secret(engine: Engine, configured: str | None) -> str:
    """LEADSIG_WEB_SECRET when set; otherwise one kept in the warehouse, so sessions survive a restart."""
    if configured:
        return configured
    with engine.begin() as conn:
        row = conn.execute(select(m.Setting.value).where(m.Setting.key == SECRET_KEY)).scalar()
        if row:
            return row
        value = secrets.token_urlsafe(48)
        conn.execute(m.Setting.__table__.insert().values(key=SECRET_KEY, value=value))
        return value


def resolve_person(engine: Engine, name: str) -> str | None:
    """A roster id as given, or the person behind a forge login or email."""
    with engine.connect() as conn:
        if conn.execute(select(m.Person.id).where(m.Person.id == name)).scalar():
            return name
        return conn.execute(select(m.Identity.person_id).where(m.Identity.login == name.lower(),
                                                             m.Identity.person_id.is_not(None))).scalar()


def identify(request: Request, engine: Engine, cfg: Config) -> Viewer:
    """The viewer of this request, or Refused(401) when nobody trustworthy is signed in."""
    web = cfg.web
    header = request.headers.get(web.proxy_header) if web.proxy_header else None
    peer = request.client.host if request.client else None
    if header is not None:
        if not web.trusted_proxy(peer):
            raise Refused(401, "identity header from an address that is not a configured proxy")
        name = header.strip()[:200]
        person = resolve_person(engine, name) if name else None
        grant = web.grant(person, name)
        if person is None and grant.role not in ("admin", "lead"):
            raise Refused(403, "the proxy's user is not on the roster")
        return Viewer(person, grant.role, grant.teams, f"{name} (web, {grant.role})")
    session = request.session
    if not session.get("pid"):
        raise Refused(401, "not signed in")
    pid, role = str(session["pid"]), str(session.get("role", "person"))
    teams = web.grant(pid).teams if role == "manager" else ()
    return Viewer(pid, role, teams, f"{pid} (web, {role})")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form: dict[str, str], subject: str | None = None) -> None:
    expected = request.session.get("csrf") or ""
    if not expected or not hmac.compare_digest(expected.encode(), form.get("csrf", "").encode()):
        raise Refused(403, "form posted without a valid CSRF token", subject=subject)


def log_refusal(engine: Engine, request: Request, refused: Refused, viewer: str | None) -> None:
    detail = {"path": request.url.path[:300], "method": request.method, "reason": refused.reason,
              "status": refused.status, "client": request.client.host if request.client else None}
    log_access(engine, "web-refused", [refused.subject], detail, viewer or "anonymous (web)")
