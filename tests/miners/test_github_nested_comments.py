"""A first run reads the conversation comments nested in the GraphQL PR and issue pages; later runs list them.

Over HTTP against the forge simulator: the stored comments are the org's (ids and evidence URLs), the same rows
as the REST path stores, and the repo-wide ``/issues/comments`` listing is asked only as the probe (``per_page=1``)
on a first run, and with ``since`` on the next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mining import first_run, mine, stored
from mining import github_config as make_config
from sqlalchemy import Engine, select

from leadsig import activity as k
from leadsig.simulator import GITHUB, ForgeSimulator
from leadsig.simulator import github_render as render
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

LISTING = "/issues/comments"


@pytest.fixture
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def truth(sim: ForgeSimulator) -> dict[str, dict[str, str]]:
    api, web = sim.url, sim.url
    return {k.PR_COMMENT: {str(c.id): render.issue_comment_json(c, api, web)["html_url"]
                           for c in sim.org.all_pr_comments(GITHUB)},
            k.ISSUE_COMMENT: {str(c.id): render.issue_comment_json(c, api, web)["html_url"]
                              for c in sim.org.all_issue_comments(GITHUB)}}


def comment_rows(engine: Engine) -> list[tuple]:
    cols = [c for c in m.Activity.__table__.columns if c.name not in ("id", "mined_at")]
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(
            select(*cols).where(m.Activity.kind.in_([k.PR_COMMENT, k.ISSUE_COMMENT]))).all())


def listings(sim: ForgeSimulator) -> list[str]:
    """The repo-wide comment listings asked, probes (``per_page=1``) apart."""
    return [p for _, p, _ in sim.log if p.split("?")[0].endswith(LISTING) and "per_page=1&" not in p
            and not p.endswith("per_page=1")]


def test_a_first_run_reads_comments_nested_and_stores_what_rest_stores(sim, tmp_path):
    (tmp_path / "rest").mkdir()
    rest_cfg = make_config(tmp_path / "rest", sim.url, graphql=False)
    rest = open_warehouse(rest_cfg.warehouse)
    mine(rest_cfg, rest)
    assert listings(sim), "the REST path lists the comments"
    sim.reset_requests()
    engine = first_run(make_config(tmp_path, sim.url))
    expected = truth(sim)
    assert expected[k.PR_COMMENT] and expected[k.ISSUE_COMMENT]
    assert {kind: stored(engine, kind) for kind in expected} == expected
    assert comment_rows(engine) == comment_rows(rest)  # bodies, actors, dates, parents, extra: the same rows
    assert listings(sim) == []  # only the probe, whose ETag the next night asks with
    assert sim.request_count("GET /repos/{owner}/{repo}/issues/{number}/comments") == 0


def test_an_item_with_more_comments_than_a_nested_page_is_listed_whole_through_rest(sim, tmp_path, monkeypatch):
    from leadsig.miners import github_graphql, github_graphql_issues

    for module in (github_graphql, github_graphql_issues):
        monkeypatch.setattr(module, "COMMENTS_PAGE", 1)
    engine = first_run(make_config(tmp_path, sim.url))
    assert {kind: stored(engine, kind) for kind in truth(sim)} == truth(sim)
    crowded = sum(1 for x in [*sim.org.all_pulls(GITHUB), *sim.org.all_issues(GITHUB)]
                  if sum(1 for c in x.comments if c.kind == "conversation") > 1)
    assert crowded > 0
    assert sim.request_count("GET /repos/{owner}/{repo}/issues/{number}/comments") == crowded


def test_when_the_issue_query_is_refused_after_the_pulls_the_comments_come_from_rest(sim, tmp_path, monkeypatch):
    """The PR pages brought their comments but the issues' did not: the REST listing answers for both."""
    from leadsig.miners import github_graphql_issues

    monkeypatch.setattr(github_graphql_issues, "ISSUES_NESTED_QUERY",
                        github_graphql_issues.ISSUES_NESTED_QUERY.replace("closedAt", "closedAtX"))
    engine = first_run(make_config(tmp_path, sim.url))
    assert {kind: stored(engine, kind) for kind in truth(sim)} == truth(sim)
    assert listings(sim)


def test_the_next_run_lists_new_comments_since_the_watermark_without_nesting(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    pr, issue = sim.org.all_pulls(GITHUB)[0], sim.org.all_issues(GITHUB)[0]
    on_pr = sim.org.add_comment(pr.repo, pr.number, pr.author, "one more thought on the pull")
    on_issue = sim.org.add_comment(issue.repo, issue.number, issue.author, "and on the issue", on="issue")
    sim.reset_requests()
    mine(cfg, engine)
    assert str(on_pr.id) in stored(engine, k.PR_COMMENT)
    assert str(on_issue.id) in stored(engine, k.ISSUE_COMMENT)
    asked = listings(sim)
    assert asked and all("since=" in p for p in asked)
    assert sim.request_count("GET /repos/{owner}/{repo}/issues/{number}/comments") == 0
