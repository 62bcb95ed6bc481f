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

from leadsig.collect import Collector
from leadsig.errors import Problem, UserError
from leadsig.tracks import Tracks
from leadsig.yamlfile import did_you_mean, load_yaml

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
    "track",
    "stage",
    "stage_since",
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
    track: str | None = None  # a development track of the tracks file (docs/tracks.md)
    stage: str | None = None  # the person's current stage on it
    stage_since: date | None = None  # when that stage began: context, never a deadline

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
            hint = person_hint(person_id, [(p.id, p.name) for p in self.people]) or "see the ids in the roster file"
            raise UserError(
                Problem(f"unknown person {person_id!r}", key="--person", hint=hint, code="unknown-person")
            )
        return found


def person_hint(query: str, people: list[tuple[str, str]], most: int = 3) -> str | None:
    """Which roster ids ``query`` most likely meant. People look for a colleague by name (``--person Uma``),
    so a whole word of a name counts first, then a close spelling of an id, then of a name."""
    word = query.strip().casefold()
    named = sorted((pid, name) for pid, name in people
                   if word and (word == name.casefold() or word in re.split(r"[\s._-]+", name.casefold())))
    by_name = bool(named)
    if not named:
        names = {name.casefold(): (pid, name) for pid, name in people}
        by_id = dict(people)
        named = [(c, by_id[c]) for c in _close(word, list(by_id))]
        by_name = not named
        named = named or [names[c] for c in _close(word, list(names))]
    if not named:
        return None
    shown = [f"{pid!r} ({name})" for pid, name in dict(named[:most]).items()]
    more = f" (and {len(named) - most} more)" if len(named) > most else ""
    return f"did you mean {' or '.join(shown)}{more}?" + (" --person takes a roster id, not a name" if by_name else "")


def _close(word: str, choices: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(word, choices, n=3, cutoff=0.6)


def region_for(timezone: str | None) -> str | None:
    if not timezone:
        return None
    return REGION_BY_TZ_PREFIX.get(timezone.split("/", 1)[0])


def load_roster(path: str | Path, known_teams: set[str] | None = None, tracks: Tracks | None = None) -> Roster:
    """Validate people.yaml; every problem is reported with its line, all at once.

    ``tracks`` (the configured tracks file) lets a person's track and stage be checked against it."""
    path = Path(path)
    data = load_yaml(path, "roster")
    if not isinstance(data, dict) or "people" not in data:
        raise UserError(Problem("the roster must have a top-level 'people:' list", file=str(path), line=1,
                                code="type", hint="people:\n  - id: alice\n    name: Alice ..."))
    c = Collector(str(path))
    c.unknown_keys(data, {"people"}, hint="the roster has one key, people:")
    items = data["people"] or []
    if not isinstance(items, list):
        c.at(data, "people", "people", "expected a list of people", code="type")
        c.raise_if_any()
    people: list[Person] = []
    seen_ids: dict[str, int] = {}
    claims = _Claims(c)
    for i, node in enumerate(items):
        dotted = f"people[{i}]"
        if not isinstance(node, dict):
            c.item(items, i, dotted, "expected a mapping (id:, name:, ...)")
            continue
        person = _person(c, node, dotted, known_teams)
        if person is None:
            continue
        _track(c, node, dotted, person, tracks)
        if person.id in seen_ids:
            c.at(node, "id", f"{dotted}.id", f"duplicate id {person.id!r} (also people[{seen_ids[person.id]}])",
                 code="duplicate")
        seen_ids[person.id] = i
        claims.claim(node, dotted, person)
        people.append(person)
    c.raise_if_any()
    return Roster(people=people, path=path)


def _person(c: Collector, node: dict, dotted: str, known_teams: set[str] | None) -> Person | None:
    c.unknown_keys(node, PERSON_KEYS, f"{dotted}.")
    pid = node.get("id")
    if not isinstance(pid, str | int) or isinstance(pid, bool) or not str(pid).strip():
        c.at(node, "id" if "id" in node else next(iter(node), 0), f"{dotted}.id", "every person needs an id",
             hint="id: alice (a short stable handle)", code="missing")
        return None
    pid = str(pid)
    person = Person(id=pid, name=_opt_str(c, node, "name", dotted) or pid)
    person.team = _opt_str(c, node, "team", dotted)
    if person.team and known_teams and person.team not in known_teams:
        c.at(node, "team", f"{dotted}.team", f"unknown team {person.team!r}",
             hint=did_you_mean(person.team, sorted(known_teams))
             or "teams in the config: " + ", ".join(sorted(known_teams)), code="unknown-team")
    person.level = _opt_str(c, node, "level", dotted)
    person.start_date = _date(c, node, dotted)
    person.stage_since = _date(c, node, dotted, "stage_since")
    person.timezone = _tz(c, node, dotted)
    person.region = _opt_str(c, node, "region", dotted) or region_for(person.timezone)
    person.github = _logins(c, node, "github", dotted)
    person.gitlab = _logins(c, node, "gitlab", dotted)
    person.emails = [e.lower() for e in _strs(c, node, "emails", dotted)]
    for e in person.emails:
        if "@" not in e:
            c.at(node, "emails", f"{dotted}.emails", f"not an email address: {e!r}", code="bad-value")
    opt = node.get("opt_out", False)
    if not isinstance(opt, bool):
        c.at(node, "opt_out", f"{dotted}.opt_out", f"expected true or false, got {opt!r}", code="type")
    person.opt_out = opt is True
    return person


class _Claims:
    """A login or an email belongs to one person: otherwise their activity would go to whoever came first."""

    def __init__(self, c: Collector) -> None:
        self.c = c
        self.owners: dict[tuple[str, str | None, str], str] = {}

    def claim(self, node: dict, dotted: str, person: Person) -> None:
        for forge, logins in (("github", person.github), ("gitlab", person.gitlab)):
            for lg in logins:
                owner = self.owners.setdefault((forge, lg.host, lg.login), person.id)
                if owner != person.id:
                    self.c.at(node, forge, f"{dotted}.{forge}", f"{forge} login {lg.login!r} is already {owner!r}'s",
                              hint="a login belongs to one person; pin it to a host (host:login) if they differ "
                              "by host", code="duplicate")
        for email in person.emails:
            owner = self.owners.setdefault(("email", None, email), person.id)
            if owner != person.id:
                self.c.at(node, "emails", f"{dotted}.emails", f"email {email!r} is already {owner!r}'s",
                          hint="an email belongs to one person: remove it from one of them", code="duplicate")


def _opt_str(c: Collector, node: Any, key: str, dotted: str) -> str | None:
    v = node.get(key)
    if v is None:
        return None
    if not isinstance(v, str | int) or isinstance(v, bool):
        c.at(node, key, f"{dotted}.{key}", f"expected text, got {type(v).__name__}", code="type")
        return None
    return str(v)


def _strs(c: Collector, node: Any, key: str, dotted: str) -> list[str]:
    v = node.get(key)
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        c.at(node, key, f"{dotted}.{key}", "expected a list of strings", hint=f"{key}: [a, b]", code="type")
        return []
    return [str(x) for x in v]


def _logins(c: Collector, node: Any, key: str, dotted: str) -> list[Login]:
    out = []
    for raw in _strs(c, node, key, dotted):
        host, _, login = raw.rpartition(":")
        out.append(Login(login=login.strip().lower(), host=host.strip().lower() or None))
    return out


def _track(c: Collector, node: dict, dotted: str, person: Person, tracks: Tracks | None) -> None:
    """track: and stage: go together, and name a track and one of its stages."""
    person.track = _opt_str(c, node, "track", dotted)
    person.stage = _opt_str(c, node, "stage", dotted)
    if person.track is None and person.stage is None:
        if "stage_since" in node:
            c.at(node, "stage_since", f"{dotted}.stage_since", "stage_since without a track and stage",
                 hint="add track: and stage:, or remove stage_since:", code="missing", value=False)
        return
    if person.track is None or person.stage is None:
        have, need = ("track", "stage") if person.track else ("stage", "track")
        c.at(node, have, f"{dotted}.{need}", f"{have}: needs {need}: too", code="missing", value=False,
             hint="track: technical\n    stage: early\n    stage_since: 2025-01-06")
        return
    if tracks is None:
        return
    track = tracks.tracks.get(person.track)
    if track is None:
        c.at(node, "track", f"{dotted}.track", f"unknown track {person.track!r}", code="unknown-track",
             hint=did_you_mean(person.track, sorted(tracks.tracks)) or "tracks: " + ", ".join(sorted(tracks.tracks)))
    elif track.stage(person.stage) is None:
        stages = [s.id for s in track.stages]
        c.at(node, "stage", f"{dotted}.stage", f"track {track.id!r} has no stage {person.stage!r}",
             code="unknown-stage", hint=did_you_mean(person.stage, stages) or "stages: " + ", ".join(stages))


def _date(c: Collector, node: Any, dotted: str, key: str = "start_date") -> date | None:
    return c.date(node, key, f"{dotted}.{key}", "2023-04-01")


def _tz(c: Collector, node: Any, dotted: str) -> str | None:
    v = node.get("timezone")
    if v is None:
        return None
    try:
        ZoneInfo(str(v))
    except (ZoneInfoNotFoundError, ValueError):
        c.at(node, "timezone", f"{dotted}.timezone", f"unknown time zone {v!r}",
             hint="an IANA name such as Europe/Berlin or America/Sao_Paulo", code="bad-value")
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
