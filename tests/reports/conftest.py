"""Factories for report tests: people, activities and signals inserted straight into a SQLite warehouse."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from leadsig.config import Config, ReportsConfig, ScheduleConfig
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

OCT = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
MINED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # when the test warehouses were last mined


class Warehouse:
    """Inserts rows with only the fields a test cares about; everything else has a plain default."""

    def __init__(self, engine: Engine, tmp_path: Path):
        self.engine = engine
        self.tmp_path = tmp_path
        self._ids = itertools.count(1)
        with engine.begin() as conn:  # a warehouse that has been mined (up to MINED): reports refuse unmined months
            conn.execute(insert(m.MiningRun), [{"started_at": MINED, "ended_at": MINED, "status": "ok",
                                                "sources": ["test"], "counts": {}, "requests": 0, "waits": [],
                                                "errors": {}}])

    def person(self, pid: str, **over: Any) -> str:
        row = {"id": pid, "name": pid.title(), "team": "payments", "level": "senior",
               "start_date": date(2022, 1, 10), "timezone": "Europe/Berlin", "region": "Europe"}
        row.update(over)
        with self.engine.begin() as conn:
            conn.execute(insert(m.Person), [row])
        return pid

    def people(self, n: int, prefix: str = "p", **over: Any) -> list[str]:
        return [self.person(f"{prefix}{i:02d}", **over) for i in range(n)]

    def signal(self, person_id: str, at: datetime = OCT, signal_type: str = "technical",
               indicator: str = "reviews_proactively", impact: str = "medium", **over: Any) -> str:
        n = next(self._ids)
        url = over.pop("url", f"https://github.com/acme/api/pull/{n}#pullrequestreview-{n}")
        activity = {"id": f"github:github.com:pr_review:{n}", "forge": "github", "host": "github.com",
                    "kind": "pr_review", "native_id": str(n), "repo": over.pop("repo", "acme/api"),
                    "actor_login": person_id, "person_id": person_id, "occurred_at": at, "url": url,
                    "parent_number": n, "parent_title": over.pop("title", f"Change {n}"),
                    "body": over.pop("body", "Looks good, one question about retries."), "content_hash": "x",
                    "mined_at": at, "parent_labels": [], "path_groups": [], "extra": {}}
        sig = {"activity_id": activity["id"], "rule_id": over.pop("rule_id", f"{indicator}.default"),
               "rule_version": 1, "rule_hash": "h", "person_id": person_id, "signal_type": signal_type,
               "indicator": indicator, "impact": impact, "evidence_url": url, "occurred_at": at,
               "summary": over.pop("summary", f"reviewed change {n}"), "why": over.pop("why", {}),
               "classified_at": at}
        assert not over, f"unknown fields {over}"
        with self.engine.begin() as conn:
            conn.execute(insert(m.Activity), [activity])
            conn.execute(insert(m.Signal), [sig])
        return url

    def config(self, **reports: Any) -> Config:
        return Config(path=self.tmp_path / "leadsig.yaml", warehouse=str(self.engine.url), roster=None,
                      since=date(2026, 1, 1), rules=["default"], path_groups={}, sources=[], teams={},
                      schedule=ScheduleConfig(), reports_out_dir=self.tmp_path / "out", bot_patterns=[],
                      reports=ReportsConfig(**reports))


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    """SQLite only: most report tests are about rendering, not about the database."""
    engine = open_warehouse(f"sqlite:///{tmp_path / 'warehouse.db'}")
    yield Warehouse(engine, tmp_path)
    engine.dispose()


@pytest.fixture
def wh_any(warehouse_url: str, tmp_path: Path) -> Warehouse:
    """SQLite and PostgreSQL (when LEADSIG_TEST_POSTGRES is set): for the queries themselves."""
    engine = open_warehouse(warehouse_url)
    yield Warehouse(engine, tmp_path)
    engine.dispose()
