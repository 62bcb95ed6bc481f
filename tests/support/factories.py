"""Small factories for tests: activities, roster people and resolvers with only the fields a test cares about."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from leadsig.activity import Activity
from leadsig.roster import IdentityResolver, Login, Person, Roster

_ids = itertools.count(1)
BASE_TIME = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def make_activity(**over: Any) -> Activity:
    n = next(_ids)
    fields: dict[str, Any] = {
        "forge": "github",
        "host": "github.com",
        "kind": "review_comment",
        "native_id": str(1000 + n),
        "repo": "acme/api",
        "actor_login": "alice",
        "occurred_at": BASE_TIME + timedelta(hours=n),
        "url": f"https://github.com/acme/api/pull/{n}#discussion_r{1000 + n}",
        "parent_number": n,
        "parent_title": f"Change {n}",
        "parent_author": "bob",
        "body": "Have you considered a cache here?",
    }
    fields.update(over)
    return Activity(**fields)


def edited(a: Activity, **over: Any) -> Activity:
    return replace(a, **over)


def make_person(pid: str, **over: Any) -> Person:
    fields: dict[str, Any] = {
        "id": pid,
        "name": pid.title(),
        "team": "payments",
        "level": "senior",
        "start_date": date(2022, 1, 10),
        "timezone": "Europe/Berlin",
        "region": "Europe",
        "github": [Login(pid)],
        "gitlab": [Login(pid)],
        "emails": [f"{pid}@acme.example"],
    }
    fields.update(over)
    return Person(**fields)


def make_resolver(*people: Person, bot_patterns: list[str] | None = None) -> IdentityResolver:
    return IdentityResolver(Roster(list(people)), bot_patterns or ["*[bot]", "renovate*"])
