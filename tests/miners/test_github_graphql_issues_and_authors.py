"""Issues and the commits' linked accounts through GraphQL store what REST stores, for fewer points: GraphQL's
issue listing carries no PR, and one lookup per author email replaces the commit listing's pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from leadsig import activity as k
from leadsig.miners.github_commit_accounts import account
from leadsig.simulator import ForgeSimulator
from leadsig.simulator.model import FileChange
from leadsig.warehouse import models as m
from tests.support.mining import first_run, github_config

FIELDS = ("native_id", "actor_login", "actor_is_bot", "actor_email_free", "occurred_at", "url", "parent_title",
          "parent_author", "parent_labels", "body", "extra", "updated_at", "path_groups", "files")


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    """With a docs commit of a bot (GraphQL links no User to it) and one from an address no account has."""
    with ForgeSimulator(size="tiny", seed=5) as s:
        org, repo = s.org, s.org.repos_of("github")[0].full_name
        bot = next(p for p in org.people if p.is_bot)
        org.add_commit(repo, bot, "docs: regenerate the API reference", [FileChange("docs/api.md", 12, 3, "modified")])
        stray = org.add_commit(repo, org.humans()[0], "docs: typo", [FileChange("docs/intro.md", 1, 1, "modified")])
        stray.author_email, stray.linked = "someone@laptop.example", False
        yield s


def rows(engine: Engine, kind: str) -> dict[str, dict[str, object]]:
    cols = [c for c in m.Activity.__table__.c if c.name in FIELDS]
    with engine.connect() as conn:
        found = conn.execute(select(*cols).where(m.Activity.kind == kind)).mappings().all()
    return {r["native_id"]: dict(r) for r in found}


def run(sim: ForgeSimulator, tmp: Path, graphql: bool) -> tuple[Engine, dict[str, int]]:
    sim.reset_requests()
    engine = first_run(github_config(tmp, sim.url, graphql=graphql, git_cache=tmp / "cache"))
    keys = ("GET /repos/{owner}/{repo}/issues", "GET /repos/{owner}/{repo}/commits", "POST /graphql")
    return engine, {key: sim.request_count(key) for key in keys}


@pytest.fixture(scope="module")
def both(sim, tmp_path_factory) -> tuple[tuple[Engine, dict[str, int]], tuple[Engine, dict[str, int]]]:
    return (run(sim, tmp_path_factory.mktemp("gql"), True), run(sim, tmp_path_factory.mktemp("rest"), False))


def test_graphql_and_rest_store_the_same_issues_and_commits(both):
    (gql, _), (rest, _) = both
    for kind in (k.ISSUE_OPENED, k.COMMIT):
        assert rows(gql, kind) == rows(rest, kind) and len(rows(gql, kind)) > 3, kind


def test_graphql_lists_no_issue_page_beyond_the_probes_and_no_commit_page(sim, both):
    (_, asked), (_, rest_asked) = both
    repos = len(sim.org.repos_of("github"))
    assert asked["GET /repos/{owner}/{repo}/issues"] == repos  # one probe per repo: the ETag of tomorrow's check
    assert asked["GET /repos/{owner}/{repo}/commits"] == repos  # the commit stream's probe only
    assert rest_asked["GET /repos/{owner}/{repo}/issues"] > repos
    assert rest_asked["GET /repos/{owner}/{repo}/commits"] > repos


def test_a_bot_commit_and_an_unlinked_email_are_credited_as_rest_credits_them(sim, both):
    (gql, _), _ = both
    stored = rows(gql, k.COMMIT)
    bots = {c.sha for r in sim.org.repos_of("github") for c in sim.org.commits[r.full_name]
            if c.author is not None and c.author.is_bot}
    unlinked = {c.sha: c.author_email for r in sim.org.repos_of("github") for c in sim.org.commits[r.full_name]
                if not c.linked}
    assert bots & stored.keys() and unlinked.keys() & stored.keys()
    assert all(stored[s]["actor_is_bot"] and stored[s]["actor_login"].endswith("[bot]") for s in bots & stored.keys())
    assert all(stored[s]["actor_login"] == e for s, e in unlinked.items() if s in stored)


def test_a_noreply_address_names_its_account_and_any_other_unknown_email_none():
    assert account("49699333+dependabot[bot]@users.noreply.github.com", None) == {
        "login": "dependabot[bot]", "id": 49699333, "type": "Bot"}
    assert account("12+ada@users.noreply.github.com", None)["type"] == "User"  # type: ignore[index]
    assert account("ada@home.example", None) is None
    assert account("ada@acme.example", {"login": "ada", "databaseId": 7}) == {"login": "ada", "id": 7, "type": "User"}
