"""The roster (people.yaml) and resolving forge identities to people.

Identities resolve by platform login, email and GitHub noreply address, never by display name:
two people can share a name, and one person can have several logins on several hosts.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadsig.errors import Problem, UserError
from leadsig.yamlfile import did_you_mean, key_line, load_yaml, value_line

PERSON_KEYS = {
    "id",
    "name",
    "team",
    "level",
    "start_date",
    "timezone",
    "region",
    "github",
    "gitlab",
    "emails",
    "opt_out",
}
NOREPLY_RE = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.(?:github\.com|[\w.-]+)$", re.I)
REGION_BY_TZ_PREFIX = {
    "America": "Americas",
    "US": "Americas",
    "Canada": "Americas",
    "Brazil": "Americas",
    "Chile": "Americas",
    "Mexico": "Americas",
    "Europe": "Europe",
    "Africa": "Africa",
    "Asia": "Asia-Pacific",
    "Australia": "Asia-Pacific",
    "Pacific": "Asia-Pacific",
    "Indian": "Asia-Pacific",
    "Atlantic": "Europe",
}


@dataclass(frozen=True)
class Login:
    """A forge login, optionally pinned to one host (``ghe.acme.com:alice``)."""

    login: str  # lower-cased
    host: str | None = None


@dataclass
class Person:
    id: str
    name: str
    team: str | None = None
    level: str | None = None
    start_date: date | None = None
    timezone: str | None = None
    region: str | None = None
    github: list[Login] = field(default_factory=list)
    gitlab: list[Login] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    opt_out: bool = False

    def tenure_days(self, on: datetime | date) -> int | None:
        if self.start_date is None:
            return None
        day = on.date() if isinstance(on, datetime) else on
        return (day - self.start_date).days


@dataclass
class Roster:
    people: list[Person] = field(default_factory=list)
    path: Path | None = None

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    def get(self, person_id: str) -> Person:
        found = self.by_id().get(person_id)
        if found is None:
            hint = did_you_mean(person_id, [p.id for p in self.people]) or "see the ids in the roster file"
            raise UserError(
                Problem(f"unknown person {person_id!r}", key="--person", hint=hint, code="unknown-person")
            )
        return found


def region_for(timezone: str | None) -> str | None:
    if not timezone:
        return None
    return REGION_BY_TZ_PREFIX.get(timezone.split("/", 1)[0])


def load_roster(path: str | Path, known_teams: set[str] | None = None) -> Roster:
    """Validate people.yaml; every problem is reported with its line, all at once."""
    path = Path(path)
    shown = str(path)
    data = load_yaml(path, "roster")
    problems: list[Problem] = []

    def bad(
        node: Any,
        key: Any,
        dotted: str,
        msg: str,
        hint: str | None = None,
        code: str = "invalid",
        on_key: bool = False,
    ) -> None:
        line, col = key_line(node, key) if on_key else value_line(node, key)
        problems.append(Problem(msg, file=shown, line=line, col=col, key=dotted, hint=hint, code=code))

    if not isinstance(data, dict) or "people" not in data:
        raise UserError(
            Problem(
                "the roster must have a top-level 'people:' list",
                file=shown,
                line=1,
                code="type",
                hint="people:\n  - id: alice\n    name: Alice ...",
            )
        )
    for k in data:
        if k != "people":
            bad(
                data,
                k,
                str(k),
                "unknown key",
                hint="the roster has one key, people:",
                code="unknown-key",
                on_key=True,
            )
    items = data["people"] or []
    if not isinstance(items, list):
        bad(data, "people", "people", "expected a list of people", code="type")
        raise UserError(problems)
    people: list[Person] = []
    seen_ids: dict[str, int] = {}
    claimed: dict[tuple[str, str | None, str], str] = {}
    for i, node in enumerate(items):
        dotted = f"people[{i}]"
        if not isinstance(node, dict):
            line, col = key_line(items, i)
            problems.append(
                Problem(
                    "expected a mapping (id:, name:, ...)",
                    file=shown,
                    line=line,
                    col=col,
                    key=dotted,
                    code="type",
                )
            )
            continue
        for k in node:
            if k not in PERSON_KEYS:
                bad(
                    node,
                    k,
                    f"{dotted}.{k}",
                    "unknown key",
                    hint=did_you_mean(str(k), sorted(PERSON_KEYS))
                    or "allowed: " + ", ".join(sorted(PERSON_KEYS)),
                    code="unknown-key",
                    on_key=True,
                )
        pid = node.get("id")
        if not isinstance(pid, str | int) or isinstance(pid, bool) or not str(pid).strip():
            bad(
                node,
                "id" if "id" in node else next(iter(node), 0),
                f"{dotted}.id",
                "every person needs an id",
                hint="id: alice (a short stable handle)",
                code="missing",
            )
            continue
        pid = str(pid)
        if pid in seen_ids:
            bad(
                node,
                "id",
                f"{dotted}.id",
                f"duplicate id {pid!r} (also people[{seen_ids[pid]}])",
                code="duplicate",
            )
        seen_ids[pid] = i
        person = Person(id=pid, name=str(node.get("name") or pid))
        person.team = _opt_str(node, "team", dotted, bad)
        if person.team and known_teams is not None and known_teams and person.team not in known_teams:
            bad(
                node,
                "team",
                f"{dotted}.team",
                f"unknown team {person.team!r}",
                hint=did_you_mean(person.team, sorted(known_teams))
                or "teams in the config: " + ", ".join(sorted(known_teams)),
                code="unknown-team",
            )
        person.level = _opt_str(node, "level", dotted, bad)
        person.start_date = _date(node, dotted, bad)
        person.timezone = _tz(node, dotted, bad)
        person.region = _opt_str(node, "region", dotted, bad) or region_for(person.timezone)
        person.github = _logins(node, "github", dotted, bad)
        person.gitlab = _logins(node, "gitlab", dotted, bad)
        person.emails = [e.lower() for e in _strs(node, "emails", dotted, bad)]
        for e in person.emails:
            if "@" not in e:
                bad(node, "emails", f"{dotted}.emails", f"not an email address: {e!r}", code="bad-value")
        opt = node.get("opt_out", False)
        if not isinstance(opt, bool):
            bad(node, "opt_out", f"{dotted}.opt_out", f"expected true or false, got {opt!r}", code="type")
        person.opt_out = opt is True
        for forge, logins in (("github", person.github), ("gitlab", person.gitlab)):
            for lg in logins:
                owner = claimed.setdefault((forge, lg.host, lg.login), pid)
                if owner != pid:
                    bad(
                        node,
                        forge,
                        f"{dotted}.{forge}",
                        f"{forge} login {lg.login!r} is already {owner!r}'s",
                        hint="a login belongs to one person; pin it to a host (host:login) if they differ by host",
                        code="duplicate",
                    )
        people.append(person)
    if problems:
        raise UserError(problems)
    return Roster(people=people, path=path)


def _opt_str(node: Any, key: str, dotted: str, bad: Any) -> str | None:
    v = node.get(key)
    if v is None:
        return None
    if not isinstance(v, str | int) or isinstance(v, bool):
        bad(node, key, f"{dotted}.{key}", f"expected text, got {type(v).__name__}", code="type")
        return None
    return str(v)


def _strs(node: Any, key: str, dotted: str, bad: Any) -> list[str]:
    v = node.get(key)
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        bad(node, key, f"{dotted}.{key}", "expected a list of strings", hint=f"{key}: [a, b]", code="type")
        return []
    return [str(x) for x in v]


def _logins(node: Any, key: str, dotted: str, bad: Any) -> list[Login]:
    out = []
    for raw in _strs(node, key, dotted, bad):
        host, _, login = raw.rpartition(":")
        out.append(Login(login=login.strip().lower(), host=host.strip().lower() or None))
    return out


def _date(node: Any, dotted: str, bad: Any) -> date | None:
    v = node.get("start_date")
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        bad(
            node,
            "start_date",
            f"{dotted}.start_date",
            f"not a date: {v!r}",
            hint="start_date: 2023-04-01",
            code="type",
        )
        return None


def _tz(node: Any, dotted: str, bad: Any) -> str | None:
    v = node.get("timezone")
    if v is None:
        return None
    try:
        ZoneInfo(str(v))
    except (ZoneInfoNotFoundError, ValueError):
        bad(
            node,
            "timezone",
            f"{dotted}.timezone",
            f"unknown time zone {v!r}",
            hint="an IANA name such as Europe/Berlin or America/Sao_Paulo",
            code="bad-value",
        )
        return None
    return str(v)


class IdentityResolver:
    """Maps (forge, host, login, email) to a roster person; marks bots."""

    def __init__(self, roster: Roster | None, bot_patterns: list[str] | None = None):
        self.roster = roster or Roster()
        # "[" is literal in login patterns ("*[bot]"), not fnmatch's character class
        self.bot_patterns = [p.lower().replace("[", "[[]") for p in (bot_patterns or [])]
        self.suppression: Any = None  # warehouse.trust.Suppression of forgotten people, set per run
        self._any_host: dict[tuple[str, str], Person] = {}
        self._on_host: dict[tuple[str, str, str], Person] = {}
        self._email: dict[str, Person] = {}
        for p in self.roster.people:
            for forge, logins in (("github", p.github), ("gitlab", p.gitlab)):
                for lg in logins:
                    if lg.host:
                        self._on_host[(forge, lg.host, lg.login)] = p
                    else:
                        self._any_host[(forge, lg.login)] = p
            for e in p.emails:
                self._email[e] = p

    def person(self, forge: str, host: str, login: str | None, email: str | None = None) -> Person | None:
        if login:
            lg = login.lower()
            found = self._on_host.get((forge, host.lower(), lg)) or self._any_host.get((forge, lg))
            if found:
                return found
        if email:
            em = email.lower()
            if em in self._email:
                return self._email[em]
            m = NOREPLY_RE.match(em)
            if m and forge == "github":
                lg = m.group("login").lower()
                return self._on_host.get((forge, host.lower(), lg)) or self._any_host.get((forge, lg))
        return None

    def suppressed(self, forge: str | None, login: str | None, email: str | None, person_id: str | None) -> bool:
        """True for identifiers of a person who was forgotten: nothing of theirs may be stored again."""
        s = self.suppression
        if s is None or not s.hashes:
            return False
        if person_id and s.matches_key(f"person:{person_id}"):
            return True
        return s.matches(forge, login, email)

    def is_bot(self, login: str | None, forge_says_bot: bool = False) -> bool:
        if forge_says_bot:
            return True
        if not login:
            return False
        lg = login.lower()
        return lg.endswith("[bot]") or any(fnmatch.fnmatchcase(lg, p) for p in self.bot_patterns)
