"""Forgotten and opted-out people in other people's rows: an irreversible pseudonym instead of who they were.

A review of Alice's pull request is Bob's activity and stays, but once Alice is forgotten or opted out it
must not say whose PR it was. Her logins and emails there become ``anon-`` and 12 hex digits derived from
the salted suppression hash of that identifier (the same login always gets the same pseudonym, so threads
and rules still see one author), her @mentions in stored text name the pseudonym, and her full name in text
is replaced by the pseudonym of her roster id. The loader applies this to every row it writes; forget and a
new opt-out apply it to rows stored before.

An opted-out person's roster facts (team, level, start date, time zone, region; never the name) stay
available to classification under each pseudonym, so a junior author stays junior to the rules. A forgotten
person leaves no facts: their pseudonyms are rows of nobody in particular.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Text, cast, delete, func, insert, or_, select, update

from leadsig.activity import Activity
from leadsig.roster import Person, Roster
from leadsig.warehouse import models as m

PREFIX = "anon-"
FORGES = ("github", "gitlab")
# a mention starts a word (not the domain of an email); logins are letters, digits, - _ and . (GitLab)
MENTION = re.compile(r"(?<![\w.+@-])@([a-z0-9_][a-z0-9_.-]*)", re.I)
EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)
CHUNK = 500


def hash_key(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


def pseudonym(salt: str, key: str) -> str:
    return PREFIX + hashlib.sha256(f"pseudonym:{hash_key(salt, key)}".encode()).hexdigest()[:12]


def identifier_keys(forge: str | None, login: str | None, email: str | None) -> list[str]:
    keys = []
    if login and forge:
        keys.append(f"login:{forge}:{login.lower()}")
    if email:
        keys.append(f"email:{email.lower()}")
    return keys


def person_keys(p: Person) -> list[str]:
    """Every identifier key of a roster person (logins on both forges, emails)."""
    return [*(f"login:github:{lg.login}" for lg in p.github), *(f"login:gitlab:{lg.login}" for lg in p.gitlab),
            *(f"email:{e.lower()}" for e in p.emails)]


@dataclass
class Hidden:
    """Who must not appear in anyone's rows: identifier hashes, and full names with their replacement."""

    salt: str
    hashes: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # lower-cased full name -> pseudonym

    def __bool__(self) -> bool:
        return bool(self.hashes or self.names)

    def key(self, forge: str | None, value: str) -> str | None:
        """The identifier key ``value`` is hidden under (the activity's forge first), or None."""
        v = value.lower()
        keys = [f"email:{v}"] if "@" in v else [f"login:{f}:{v}" for f in sorted(FORGES, key=lambda f: f != forge)]
        return next((k for k in keys if hash_key(self.salt, k) in self.hashes), None)

    def login(self, forge: str | None, value: str | None) -> str | None:
        if not value or not self.hashes:
            return value
        k = self.key(forge, value)
        return pseudonym(self.salt, k) if k else value

    def text(self, forge: str | None, text: str | None) -> str | None:
        if not text or not self:
            return text
        if self.hashes and "@" in text:
            text = EMAIL.sub(lambda mt: self.login(forge, mt.group(0)) or "", text)
            text = MENTION.sub(lambda mt: self._mention(forge, mt.group(1)), text)
        low = text.lower()
        for name, repl in self.names.items():
            if name in low:
                text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", repl, text, flags=re.I)
        return text

    def _mention(self, forge: str | None, raw: str) -> str:
        cand = raw
        while cand:  # "@alice." ends a sentence: try without trailing punctuation too
            k = self.key(forge, cand)
            if k:
                return "@" + pseudonym(self.salt, k) + raw[len(cand):]
            trimmed = cand.rstrip(".-_")
            if trimmed == cand:
                break
            cand = trimmed
        return "@" + raw

    def value(self, forge: str | None, v: Any) -> Any:
        """Any JSON value: a string that is a hidden login or email becomes its pseudonym; text is redacted."""
        if isinstance(v, str):
            whole = self.login(forge, v) if " " not in v else v
            return whole if whole != v else self.text(forge, v)
        if isinstance(v, list):
            return [self.value(forge, x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(forge, x) for k, x in v.items()}
        return v

    def activity(self, a: Activity) -> Activity:
        """Someone else's activity with this person's identifiers replaced."""
        if not self:
            return a
        changed = self.fields(a)
        return replace(a, **changed) if changed else a

    def fields(self, a: Any) -> dict[str, Any]:
        """The fields of a stored activity (an Activity or a row) that change, with their new values."""
        new = {"parent_author": self.login(a.forge, a.parent_author),
               "parent_title": self.text(a.forge, a.parent_title), "body": self.text(a.forge, a.body),
               "extra": self.value(a.forge, a.extra)}
        return {k: v for k, v in new.items() if v != getattr(a, k)}


def hidden(salt: str, suppressed: set[str], roster: Roster | None) -> Hidden:
    """Forgotten people (the suppression hashes) and the roster's opted-out people, with their names."""
    out = Hidden(salt, set(suppressed))
    for p in roster.people if roster else []:
        if p.opt_out or hash_key(salt, f"person:{p.id}") in suppressed:
            out.hashes |= {hash_key(salt, k) for k in person_keys(p)}
            if p.name:
                out.names[p.name.lower()] = pseudonym(salt, f"person:{p.id}")
    return out


def scrub_stored(conn: Connection, hide: Hidden, needles: Iterable[str]) -> int:
    """Rewrite stored activity and signals that may name a newly hidden person; returns rows changed.

    ``needles`` (their logins, emails and name in plain text) only find candidate rows; ``hide`` decides.
    """
    needles = sorted({n.lower() for n in needles if n})
    if not needles:
        return 0
    a, s = m.Activity.__table__, m.Signal.__table__

    def near(*cols: Any) -> Any:
        return or_(*[func.lower(c).contains(n, autoescape=True) for c in cols for n in needles])

    changed = 0
    rows = conn.execute(select(a.c.id, a.c.forge, a.c.parent_author, a.c.parent_title, a.c.body, a.c.extra)
                        .where(near(a.c.parent_author, a.c.parent_title, a.c.body, cast(a.c.extra, Text)))).all()
    for r in rows:
        new = hide.fields(r)
        if new:
            conn.execute(update(m.Activity).where(m.Activity.id == r.id).values(**new))
            changed += 1
    sigs = conn.execute(select(s.c.id, s.c.activity_id, s.c.summary, s.c.why)
                        .where(near(s.c.summary, cast(s.c.why, Text)))).all()
    for r in sigs:
        forge = r.activity_id.split(":", 1)[0]
        new = {"summary": hide.text(forge, r.summary), "why": hide.value(forge, r.why)}
        if new["summary"] != r.summary or new["why"] != r.why:
            conn.execute(update(m.Signal).where(m.Signal.id == r.id).values(**new))
            changed += 1
    return changed


def sync_opted_out(conn: Connection, salt: str, roster: Roster, hide: Hidden) -> list[Person]:
    """Keep each opted-out person's roster facts under their pseudonyms (and nobody else's); returns the people
    newly opted out, whose identifiers the caller scrubs from rows stored before."""
    want: dict[str, dict[str, Any]] = {}
    fresh: list[Person] = []
    known = set(conn.execute(select(m.Pseudonym.pseudonym)).scalars())
    for p in roster.people:
        if not p.opt_out:
            continue
        rows = {pseudonym(salt, k): {"forge": k.split(":")[1] if k.startswith("login:") else "email",
                                     "team": p.team, "level": p.level, "start_date": p.start_date,
                                     "timezone": p.timezone, "region": p.region} for k in person_keys(p)}
        if set(rows) - known:
            fresh.append(p)
        want.update(rows)
    stale = sorted(known - set(want))
    for i in range(0, len(stale), CHUNK):
        conn.execute(delete(m.Pseudonym).where(m.Pseudonym.pseudonym.in_(stale[i:i + CHUNK])))
    for pid, facts in want.items():
        conn.execute(delete(m.Pseudonym).where(m.Pseudonym.pseudonym == pid))
        conn.execute(insert(m.Pseudonym).values(pseudonym=pid, **facts))
    for p in fresh:
        scrub_stored(conn, hide, [*(lg.login for lg in p.github + p.gitlab), *p.emails, p.name])
    return fresh


def drop_facts(conn: Connection, salt: str, keys: Iterable[str]) -> None:
    """A forgotten person's pseudonyms keep no roster facts."""
    names = sorted({pseudonym(salt, k) for k in keys})
    for i in range(0, len(names), CHUNK):
        conn.execute(delete(m.Pseudonym).where(m.Pseudonym.pseudonym.in_(names[i:i + CHUNK])))
