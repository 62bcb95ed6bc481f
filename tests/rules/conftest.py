"""Factories for rule tests: a small warehouse with a roster, two teams' repos, bots and outsiders."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from factories import make_activity, make_person, make_resolver

from leadsig.activity import Activity
from leadsig.config import Config, load_config
from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REVIEW_FINDING = ("I tried the branch against our staging data: the refund total breaks when the currency changes, "
                  "because the rate is cached per request. Details inline.")
LONG_EXPLANATION = ("Consider moving the retry into the client, because every caller repeats it today and the "
                    "backoff values drift. Have a look at https://example.org/retries for the pattern we prefer; "
                    "it keeps the refund path idempotent and the tests short.")


def roster_people() -> list[Any]:
    return [
        make_person("alice", team="platform", level="senior", region="Europe", timezone="Europe/Berlin"),
        make_person("bob", team="payments", level="junior", start_date=date(2026, 1, 5), region="Americas",
                    timezone="America/Chicago"),
        make_person("carol", team="data", level="staff", region="Asia-Pacific", timezone="Asia/Tokyo"),
        make_person("dave", team="payments", level="mid", region="Europe", timezone="Europe/Lisbon"),
    ]


def pr_thread(number: int = 1, repo: str = "acme/payments-core") -> list[Activity]:
    """bob opens a PR in payments' repo; alice (platform) reviews it unasked and explains; a bot and an
    outsider comment too."""
    base = {"repo": repo, "parent_number": number, "parent_title": "Add refunds", "parent_author": "bob"}
    url = f"https://github.com/{repo}/pull/{number}"

    def at(h: int) -> datetime:
        return T0 + timedelta(hours=h)

    return [
        make_activity(kind="pr_opened", native_id=f"{repo}#{number}", actor_login="bob", occurred_at=at(0), url=url,
                      body="Adds refunds.", **base),
        make_activity(kind="pr_review", native_id=f"r{number}", actor_login="alice", occurred_at=at(2),
                      state="commented",
                      url=f"{url}#pullrequestreview-{number}", body=REVIEW_FINDING, review_comment_count=6,
                      extra={"requested_reviewers": ["dave"]}, **base),
        make_activity(kind="review_comment", native_id=f"c{number}", actor_login="alice", occurred_at=at(2),
                      url=f"{url}#discussion_r{number}", body=LONG_EXPLANATION, **base),
        make_activity(kind="review_comment", native_id=f"bot{number}", actor_login="renovate[bot]", occurred_at=at(3),
                      url=f"{url}#discussion_rb{number}", body=LONG_EXPLANATION, **base),
        make_activity(kind="review_comment", native_id=f"x{number}", actor_login="stranger", occurred_at=at(3),
                      url=f"{url}#discussion_rx{number}", body=LONG_EXPLANATION, **base),
        make_activity(kind="pr_review", native_id=f"rd{number}", actor_login="dave", occurred_at=at(4),
                      state="approved",
                      url=f"{url}#pullrequestreview-d{number}", body="Looks good to me, thanks for the tests here!" * 3,
                      review_comment_count=0, extra={"requested_reviewers": ["dave"]}, **base),
    ]


def docs_commit(actor: str = "carol", additions: int = 120, when: datetime = T0) -> Activity:
    return make_activity(kind="commit", native_id=f"sha-{actor}-{additions}", actor_login=actor, repo="acme/api",
                         occurred_at=when, url=f"https://github.com/acme/api/commit/{actor}{additions}",
                         parent_number=None, parent_title="", parent_author=None, body="Add the on-call guide",
                         additions=additions, deletions=3, path_groups=("docs",))


def write_config(folder: Path, layers: list[str], warehouse: str) -> Config:
    (folder / "leadsig.yaml").write_text(textwrap.dedent(f"""\
        warehouse: {warehouse}
        rules: [{", ".join(layers)}]
        teams:
          payments: {{repos: ["acme/payments-*"]}}
          platform: {{repos: ["acme/api"]}}
          data: {{repos: ["acme/warehouse"]}}
        """))
    return load_config(folder / "leadsig.yaml")


@pytest.fixture
def seeded(tmp_path: Path, warehouse_url: str) -> Callable[..., tuple[Any, Config]]:
    """Build a warehouse with the PR thread and a docs commit; returns (engine, config)."""

    def build(layers: list[str] | None = None, activities: list[Activity] | None = None) -> tuple[Any, Config]:
        cfg = write_config(tmp_path, layers or ["default"], warehouse_url)
        engine = open_warehouse(cfg.warehouse)
        resolver = make_resolver(*roster_people())
        store.sync_roster(engine, resolver.roster, resolver)
        acts = activities if activities is not None else [*pr_thread(), docs_commit()]
        teams = {"acme/payments-core": "payments", "acme/api": "platform"}
        for repo in sorted({a.repo for a in acts}):
            store.save_batch(engine, "github-test", repo, "pulls", [a for a in acts if a.repo == repo], None, resolver,
                             team=teams.get(repo))
        return engine, cfg

    return build


@pytest.fixture
def email_docs_commit() -> Activity:
    """carol's docs commit as GitLab stores it: the author email as the actor login."""
    return replace(docs_commit(), actor_login="carol@acme.example", actor_email="carol@acme.example")


@pytest.fixture
def roster_resolver() -> Any:
    return make_resolver(*roster_people())


@pytest.fixture
def grown_history() -> list[Activity]:
    """Threads 1 and 2 are a month old; then alice adds a review comment to thread 2 and carol a docs commit."""
    late = T0 + timedelta(days=30)
    again = next(a for a in pr_thread(2) if a.native_id == "c2")
    return [*pr_thread(1), *pr_thread(2), docs_commit(when=late),
            replace(again, native_id="c2-late", occurred_at=late, url=again.url + "-late")]
