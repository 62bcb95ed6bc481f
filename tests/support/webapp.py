"""A small warehouse for the web tests: people in two teams, signals with text a test chooses, a web config."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from leadsig.config import Config, ReportsConfig, ScheduleConfig
from leadsig.config.web import Grant, WebConfig
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.invites import create_invite

OCT = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
MINED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
WEB = WebConfig(roles={"mona": Grant("manager", ("payments",)), "ada": Grant("admin"), "lee": Grant("lead")},
                proxy_header="X-Forwarded-User", proxy_addresses=("10.9.8.7/32",))


class WebWarehouse:
    """Rows with only the fields a test cares about; ``signal`` writes the activity and its signal."""

    def __init__(self, engine: Engine, tmp_path: Path):
        self.engine, self.tmp_path = engine, tmp_path
        self._ids = itertools.count(1)
        with engine.begin() as conn:
            conn.execute(insert(m.MiningRun), [{"started_at": MINED, "ended_at": MINED, "status": "ok",
                                                "sources": ["test"], "counts": {}, "requests": 0, "waits": [],
                                                "errors": {}}])

    def person(self, pid: str, team: str = "payments", **over: Any) -> str:
        row = {"id": pid, "name": pid.title(), "team": team, "level": "senior", "start_date": date(2022, 1, 10),
               "timezone": "Europe/Berlin", "region": "Europe", **over}
        with self.engine.begin() as conn:
            conn.execute(insert(m.Person), [row])
        return pid

    def signal(self, person_id: str, at: datetime = OCT, impact: str = "medium", indicator: str = "reviews_proactively",
               signal_type: str = "technical", **over: Any) -> str:
        """Returns the activity id."""
        n = next(self._ids)
        url = over.pop("url", f"https://github.com/acme/api/pull/{n}#pullrequestreview-{n}")
        aid = f"github:github.com:pr_review:{n}"
        activity = {"id": aid, "forge": "github", "host": "github.com", "kind": "pr_review", "native_id": str(n),
                    "repo": over.pop("repo", "acme/api"), "actor_login": person_id, "person_id": person_id,
                    "occurred_at": at, "url": url, "parent_number": n, "parent_title": over.pop("title", f"Change {n}"),
                    "body": over.pop("body", f"Looks good, one question about retries ({n})."), "content_hash": "x",
                    "mined_at": at, "parent_labels": [], "path_groups": [], "extra": {}, "state": "commented"}
        sig = {"activity_id": aid, "rule_id": over.pop("rule_id", f"{indicator}.default"), "rule_version": 1,
               "rule_hash": "h", "person_id": person_id, "signal_type": signal_type, "indicator": indicator,
               "impact": impact, "evidence_url": url, "occurred_at": at,
               "summary": over.pop("summary", f"reviewed change {n}"), "why": {"conditions": {"has_question": True}},
               "classified_at": at}
        assert not over, f"unknown fields {over}"
        with self.engine.begin() as conn:
            conn.execute(insert(m.Activity), [activity])
            conn.execute(insert(m.Signal), [sig])
        return aid

    def config(self, web: WebConfig = WEB) -> Config:
        return Config(path=self.tmp_path / "leadsig.yaml", warehouse=str(self.engine.url), roster=None,
                      since=date(2026, 1, 1), rules=["default"], path_groups={}, sources=[], teams={},
                      schedule=ScheduleConfig(), reports_out_dir=self.tmp_path / "out", bot_patterns=[],
                      reports=ReportsConfig(min_group_size=2), web=web)

    def invite(self, person_id: str, role: str = "person", hours: int = 1, now: datetime | None = None) -> str:
        return create_invite(self.engine, person_id, role, hours, "test", now=now)


def build(tmp: Path, url: str | None = None) -> WebWarehouse:
    """pat and pia in payments, mona (manager of payments), otto, ada (admin) and lee (lead) in platform."""
    wh = WebWarehouse(open_warehouse(url or f"sqlite:///{tmp / 'warehouse.db'}"), tmp)
    for pid, team in (("pat", "payments"), ("pia", "payments"), ("mona", "leads"), ("otto", "platform"),
                      ("ada", "platform"), ("lee", "platform")):
        wh.person(pid, team=team)
    return wh
