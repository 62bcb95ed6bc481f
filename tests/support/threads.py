"""Forge threads built row by row for the milestone tests: who opened a PR, who acted in it, whether it merged,
which signals it earned; and people's tracks, attestations and check-ins."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from leadsig.warehouse import models as m
from leadsig.warehouse.track_tables import CheckIn, PersonTrack

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Threads:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._n = itertools.count(1)

    def _insert(self, model: Any, row: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(model), [row])

    def person(self, pid: str, level: str = "senior", team: str | None = "payments") -> str:
        self._insert(m.Person, {"id": pid, "name": pid.title(), "team": team, "level": level})
        self._insert(m.Identity, {"forge": "github", "host": "github.com", "login": pid, "person_id": pid})
        return pid

    def on_track(self, pid: str, stage: str = "early", since: date | None = date(2026, 1, 5),
                 track: str = "technical") -> None:
        self._insert(PersonTrack, {"person_id": pid, "track": track, "stage": stage, "stage_since": since})

    def repo(self, full_name: str, team: str | None) -> None:
        self._insert(m.Repository, {"source": "gh", "forge": "github", "host": "github.com",
                                    "full_name": full_name, "team": team})

    def activity(self, actor: str, number: int | None, kind: str = "pr_comment", at: datetime = T0,
                 repo: str = "acme/api", author: str | None = None, bot: bool = False, body: str = "",
                 paths: list[str] | None = None) -> str:
        """One activity; ``paths``: the files it touched (a commit's or PR's file list, as the miners store it)."""
        n = next(self._n)
        aid = f"github:github.com:{kind}:{n}"
        self._insert(m.Activity, {
            "id": aid, "forge": "github", "host": "github.com", "kind": kind, "native_id": str(n), "repo": repo,
            "actor_login": actor, "actor_is_bot": bot, "person_id": None if bot else actor, "occurred_at": at,
            "url": f"https://github.com/{repo}/pull/{number}#event-{n}", "parent_number": number,
            "parent_title": f"Change {number}", "parent_author": author, "body": body, "content_hash": "x",
            "mined_at": at, "parent_labels": [], "path_groups": [], "extra": {} if paths is None else {"paths": paths}})
        return aid

    def thread(self, author: str, merged: bool = False, repo: str = "acme/api", at: datetime = T0) -> int:
        number = next(self._n) + 1000
        self.activity(author, number, "pr_opened", at - timedelta(hours=1), repo, author)
        if merged:
            self.activity(author, number, "pr_merged", at + timedelta(days=1), repo, author)
        return number

    def signal(self, pid: str, number: int, indicator: str, at: datetime = T0, repo: str = "acme/api",
               author: str | None = None) -> str:
        return self.signal_on(self.activity(pid, number, "pr_review", at, repo, author), pid, indicator, at, repo,
                              number)

    def signal_on(self, aid: str, pid: str, indicator: str, at: datetime = T0, repo: str = "acme/api",
                  number: int | None = None) -> str:
        url = f"https://github.com/{repo}/pull/{number}#{aid}"
        self._insert(m.Signal, {"activity_id": aid, "rule_id": f"{indicator}.t", "rule_version": 1, "rule_hash": "h",
                                "person_id": pid, "signal_type": "technical", "indicator": indicator,
                                "impact": "medium", "evidence_url": url, "occurred_at": at, "summary": "",
                                "why": {}, "classified_at": at})
        return url

    def checkin(self, mentor: str, mentee: str, month: str) -> None:
        self._insert(CheckIn, {"source": f"checkins/{mentee}-{month}.md", "mentor_id": mentor, "mentee_id": mentee,
                               "month": month, "focus_area": "f", "progress": "p", "challenges": "c",
                               "observation": "o", "next_focus": "n", "stored_at": T0})
