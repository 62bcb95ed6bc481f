"""The GitHub miner over real HTTP against the forge simulator, into SQLite, checked against ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from mining import first_run, mine, stored
from mining import github_config as make_config
from sqlalchemy import Engine, select

from leadsig import activity as k
from leadsig.config import DEFAULT_PATH_GROUPS
from leadsig.miners.paths import PathGroups
from leadsig.miners.runner import mine_source
from leadsig.roster import IdentityResolver
from leadsig.simulator import GITHUB, ForgeSimulator
from leadsig.simulator import github_render as render
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse


@pytest.fixture
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def expected(sim: ForgeSimulator, api: str) -> dict[str, dict[str, str]]:
    """Ground truth from the simulator's org, with evidence URLs rendered as its API renders them."""
    org, web = sim.org, sim.url
    groups = PathGroups(DEFAULT_PATH_GROUPS)
    return {
        k.PR_REVIEW: {str(r.id): render.review_json(r, api, web)["html_url"] for r in org.all_reviews()},
        k.REVIEW_COMMENT: {str(c.id): render.review_comment_json(c, api, web)["html_url"]
                           for c in org.all_review_comments(GITHUB)},
        k.PR_COMMENT: {str(c.id): render.issue_comment_json(c, api, web)["html_url"]
                       for c in org.all_pr_comments(GITHUB)},
        k.ISSUE_COMMENT: {str(c.id): render.issue_comment_json(c, api, web)["html_url"]
                          for c in org.all_issue_comments(GITHUB)},
        k.COMMIT: {c.sha: f"{web}/{c.repo}/commit/{c.sha}" for c in org.all_commits(GITHUB)
                   if groups.match(f.filename for f in c.files)},
        k.PR_OPENED: {f"{p.repo}#{p.number}": f"{web}/{p.repo}/pull/{p.number}" for p in org.all_pulls(GITHUB)},
        k.ISSUE_OPENED: {f"{i.repo}#{i.number}": f"{web}/{i.repo}/issues/{i.number}" for i in org.all_issues(GITHUB)},
    }


def test_full_run_stores_every_activity_of_the_org_exactly_once_with_its_evidence(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = open_warehouse(cfg.warehouse)
    result = mine(cfg, engine)
    for kind, truth in expected(sim, sim.url).items():
        assert truth, kind
        assert stored(engine, kind) == truth, kind
    assert result.stats.requests == sim.request_count()  # our count agrees with the server's
    merged = {f"{p.repo}#{p.number}" for p in sim.org.all_pulls(GITHUB) if p.merged_at}
    assert set(stored(engine, k.PR_MERGED)) == merged


def test_review_carries_state_and_its_inline_comment_count(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.native_id, m.Activity.state, m.Activity.review_comment_count)
                            .where(m.Activity.kind == k.PR_REVIEW)).all()
    inline = {}
    for c in sim.org.all_review_comments(GITHUB):
        inline[c.review_id] = inline.get(c.review_id, 0) + 1
    states = {str(r.id): (r.state.lower(), inline.get(r.id, 0)) for r in sim.org.all_reviews()}
    assert {nid: (state, n) for nid, state, n in rows} == states
    assert {s for s, _ in states.values()} >= {"approved", "changes_requested", "commented"}


@pytest.mark.parametrize("graphql", [True, False], ids=["graphql", "rest"])
def test_second_run_with_nothing_new_adds_nothing_and_costs_no_rate_limit_point(sim, tmp_path, graphql):
    cfg = make_config(tmp_path, sim.url, graphql=graphql)
    engine = first_run(cfg)
    with engine.connect() as conn:
        before = conn.execute(select(m.Activity.id, m.Activity.content_hash).order_by(m.Activity.id)).all()
    sim.reset_requests()
    second = mine(cfg, engine)
    repos = len(sim.org.repos_of(GITHUB))
    assert sim.request_count("GET /orgs/{org_name}/repos") == 1  # once per source, asked with its ETag
    assert sim.request_count() == 5 * repos + 1 and sim.statuses[304] == 5 * repos + 1  # five probes a repo
    assert sim.rate_points() == 0  # every probe and the org listing a 304: not one point
    assert len(second.repos) == repos  # the repos the stored listing names
    assert sum(r.stored for r in second.repos) <= len(before)  # re-read overlap only, upserted in place
    with engine.connect() as conn:
        after = conn.execute(select(m.Activity.id, m.Activity.content_hash).order_by(m.Activity.id)).all()
    assert after == before


@pytest.mark.parametrize("graphql", [True, False], ids=["graphql", "rest"])
def test_late_review_on_an_old_pr_and_an_edited_comment_are_picked_up(sim, tmp_path, graphql):
    cfg = make_config(tmp_path, sim.url, graphql=graphql)
    engine = first_run(cfg)
    org = sim.org
    old_pr = min(org.all_pulls(GITHUB), key=lambda p: p.updated_at)
    at = org.now + timedelta(hours=1)
    review = org.add_late_review(old_pr.repo, old_pr.number, state="CHANGES_REQUESTED", at=at)
    old_comment = min(org.all_issue_comments(GITHUB), key=lambda c: c.updated_at)
    org.edit_comment(GITHUB, old_comment.id, "Edited: the fix is in #3.", at=at)
    old_inline = min(org.all_review_comments(GITHUB), key=lambda c: c.updated_at)
    org.edit_comment(GITHUB, old_inline.id, "Edited inline remark.", at=at)
    sim.reset_requests()
    mine(cfg, engine)
    with engine.connect() as conn:
        rows = {(r.kind, r.native_id): r for r in conn.execute(select(m.Activity.__table__)).all()}
    late = rows[(k.PR_REVIEW, str(review.id))]
    assert (late.state, late.parent_number, late.repo) == ("changes_requested", old_pr.number, old_pr.repo)
    assert rows[(k.ISSUE_COMMENT, str(old_comment.id))].body == "Edited: the fix is in #3."
    assert rows[(k.REVIEW_COMMENT, str(old_inline.id))].body == "Edited inline remark."
    if graphql:  # one page of PRs for the repo with the late review (it nested there; the other repo's pulls
        # probe was unchanged, a 304), and at most one page of issues per repo whose issue probe changed
        assert sim.request_count("POST /graphql") <= 1 + len(sim.org.repos_of(GITHUB))
        assert sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}/reviews") == 0
    else:
        assert sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}/reviews") == 1  # only the touched PR


def test_full_after_incremental_duplicates_nothing(sim, tmp_path):
    from leadsig.warehouse.store import clear_cursors

    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    with engine.connect() as conn:
        before = conn.execute(select(m.Activity.id).order_by(m.Activity.id)).scalars().all()
    clear_cursors(engine, "gh")  # what --full does
    mine(cfg, engine)
    with engine.connect() as conn:
        assert conn.execute(select(m.Activity.id).order_by(m.Activity.id)).scalars().all() == before


def test_enterprise_server_base_url(sim, tmp_path):
    api = sim.url + "/api/v3"
    cfg = make_config(tmp_path, api)
    engine = first_run(cfg)
    truth = expected(sim, api)
    assert stored(engine, k.PR_REVIEW) == truth[k.PR_REVIEW]
    assert stored(engine, k.ISSUE_COMMENT) == truth[k.ISSUE_COMMENT]
    assert all(path.startswith(("/api/v3/", "/api/graphql")) for _, path, _ in sim.log)
    assert sim.request_count("POST /graphql") > 0  # PyGithub's GraphQL URL for an .../api/v3 base: /api/graphql


def test_pull_streams_cost_a_graphql_page_per_page_of_prs_and_no_per_pr_calls(sim, tmp_path):
    """A first run: PR and issue pages with their conversation comments nested, no per-PR call."""
    from leadsig.miners.github_graphql import PULLS_PAGE_NESTED
    from leadsig.miners.github_graphql_issues import ISSUES_PAGE_NESTED

    cfg = make_config(tmp_path, sim.url)
    mine(cfg, open_warehouse(cfg.warehouse))
    pages = sum(-(-len(sim.org.pulls[r.full_name]) // PULLS_PAGE_NESTED) for r in sim.org.repos_of(GITHUB))
    issue_pages = sum(max(1, -(-len(sim.org.issues.get(r.full_name, [])) // ISSUES_PAGE_NESTED))
                      for r in sim.org.repos_of(GITHUB))
    assert sim.request_count("POST /graphql") == pages + issue_pages
    pulls_listings = [path for _, path, _ in sim.log if path.split("?")[0].endswith("/pulls")]
    assert all("per_page=1&" in p or p.endswith("per_page=1") for p in pulls_listings)  # the probes only
    assert sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}/reviews") == 0


def test_prs_with_more_reviews_than_a_nested_page_get_them_through_rest(sim, tmp_path, monkeypatch):
    from leadsig.miners import github_graphql

    monkeypatch.setattr(github_graphql, "REVIEWS_PAGE", 2)
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    assert stored(engine, k.PR_REVIEW) == expected(sim, sim.url)[k.PR_REVIEW]
    many = sum(1 for p in sim.org.all_pulls(GITHUB) if len(p.reviews) > 2)
    assert many > 0 and sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}/reviews") == many
    all_reviews = {str(r.id): r for r in sim.org.all_reviews()}
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.native_id, m.Activity.review_comment_count)
                            .where(m.Activity.kind == k.PR_REVIEW)).all()
    inline = {}
    for c in sim.org.all_review_comments(GITHUB):
        inline[str(c.review_id)] = inline.get(str(c.review_id), 0) + 1
    assert {nid: n for nid, n in rows} == {nid: inline.get(nid, 0) for nid in all_reviews}


GRAPHQL_ONLY = {"paths", "review_requested", "review_requested_teams"}  # a PR's files and request history
PR_SIZES = {"files", "additions", "deletions", "path_groups"}  # REST's pulls listing has no sizes


def comparable(engine: Engine) -> dict[tuple[str, str], tuple]:
    """Every stored activity by (kind, native_id), with its actor (the merger for pr_merged), minus what only the
    GraphQL PR query brings (files, sizes, past review requests)."""
    skip = {"id", "mined_at", "content_hash", "actor_login", "actor_id", "person_id", "extra"}
    cols = [c for c in m.Activity.__table__.columns if c.name not in skip]
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.kind, m.Activity.native_id, m.Activity.actor_login,
                                   m.Activity.extra, *cols)).all()
    out = {}
    for kind, nid, actor, extra, *rest in rows:
        if kind in (k.PR_OPENED, k.PR_MERGED):
            rest = [None if c.name in PR_SIZES else v for c, v in zip(cols, rest, strict=True)]
        rest.append(actor)
        rest.append({key: v for key, v in (extra or {}).items() if key not in GRAPHQL_ONLY})
        out[(kind, nid)] = tuple(rest)
    return out


def test_graphql_brings_each_prs_files_path_groups_and_every_review_request(sim, tmp_path):
    """A reviewer who was asked and has reviewed since is no longer in GitHub's pending requests; the timeline's
    request events still name them, so a comment of theirs knows they were asked."""
    engine = first_run(make_config(tmp_path, sim.url))
    with engine.connect() as conn:
        rows = {nid: (files, tuple(groups or ()), extra) for nid, files, groups, extra in conn.execute(
            select(m.Activity.native_id, m.Activity.files, m.Activity.path_groups, m.Activity.extra)
            .where(m.Activity.kind == k.PR_OPENED)).all()}
    pulls = sim.org.all_pulls(GITHUB)
    assert {p.repo + "#" + str(p.number) for p in pulls} == set(rows)
    groups = PathGroups(DEFAULT_PATH_GROUPS)
    for p in pulls:
        paths = list(dict.fromkeys(f.filename for sha in p.commits for f in sim.org.commit(p.repo, sha).files))
        files, stored_groups, extra = rows[f"{p.repo}#{p.number}"]
        assert (files, extra["paths"], stored_groups) == (len(paths), paths[:100], groups.match(paths))
        assert extra["review_requested"] == [r.gh_login for r, _ in p.review_requests]
    asked_then_reviewed = [p for p in pulls if {r.gh_login for r, _ in p.review_requests} & {rv.author.gh_login for rv
                                                                                              in p.reviews}]
    assert asked_then_reviewed, "the simulator asks most reviewers before they review"
    assert any(set(rows[f"{p.repo}#{p.number}"][2]["review_requested"]) - set(rows[f"{p.repo}#{p.number}"][2]
               ["requested_reviewers"]) for p in asked_then_reviewed)


def test_graphql_and_rest_store_the_same_activities_and_both_know_the_merger(sim, tmp_path):
    (tmp_path / "rest").mkdir()
    rest_cfg = make_config(tmp_path / "rest", sim.url, graphql=False)
    rest = open_warehouse(rest_cfg.warehouse)
    mine(rest_cfg, rest)
    assert sim.request_count("POST /graphql") == 0
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    assert comparable(engine) == comparable(rest)
    mergers = {f"{p.repo}#{p.number}": p.merged_by.gh_login for p in sim.org.all_pulls(GITHUB) if p.merged_at}
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.native_id, m.Activity.actor_login)
                            .where(m.Activity.kind == k.PR_MERGED)).all()
    assert dict(rows) == mergers


def test_bots_keep_their_rest_login_through_graphql(sim, tmp_path):
    bot = next(p for p in sim.org.bots() if p.gh_login.endswith("[bot]"))
    pr = sim.org.all_pulls(GITHUB)[0]
    review = sim.org.add_review(pr.repo, pr.number, bot, state="COMMENTED", body="automated check")
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    with engine.connect() as conn:
        row = conn.execute(select(m.Activity.actor_login, m.Activity.actor_is_bot)
                           .where(m.Activity.native_id == str(review.id))).one()
    assert tuple(row) == (bot.gh_login.lower(), True)


def dump(engine: Engine) -> list[tuple]:
    cols = [c for c in m.Activity.__table__.columns if c.name != "mined_at"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).order_by(m.Activity.id)).all()]


@pytest.mark.parametrize("crash_after", [2, 11, 15, 20, 25])  # in each stream of acme/api, in order
def test_a_crash_between_batches_loses_nothing_on_the_next_run(sim, tmp_path, monkeypatch, crash_after):
    from leadsig.miners import github
    from leadsig.miners.github import GitHubMiner

    monkeypatch.setattr(github, "BATCH", 4)  # many small batches per stream, so the crash lands mid-stream
    (tmp_path / "ref").mkdir()
    reference = open_warehouse(make_config(tmp_path / "ref", sim.url).warehouse)
    mine(make_config(tmp_path / "ref", sim.url), reference)
    original = GitHubMiner.mine_repo

    def crashing(self, repo, watermarks):
        for i, batch in enumerate(original(self, repo, watermarks)):
            if i == crash_after:
                raise ConnectionError("killed")
            yield batch

    cfg = make_config(tmp_path, sim.url)
    engine = open_warehouse(cfg.warehouse)
    monkeypatch.setattr(GitHubMiner, "mine_repo", crashing)
    crashed = mine_source(engine, cfg, cfg.sources[0], IdentityResolver(None, cfg.bot_patterns))
    assert crashed.stats.failed_repos
    monkeypatch.setattr(GitHubMiner, "mine_repo", original)
    mine(cfg, engine)
    assert dump(engine) == dump(reference)


def test_a_server_that_rejects_the_graphql_query_gets_rest_instead(sim, tmp_path, monkeypatch, caplog):
    """An Enterprise Server whose schema lacks a field answers with GraphQL errors: REST takes over."""
    from leadsig.miners import github_graphql

    for query in ("PULLS_QUERY", "PULLS_NESTED_QUERY"):  # a first run asks the one nesting comments
        monkeypatch.setattr(github_graphql, query, getattr(github_graphql, query).replace("isDraft", "isDraftX"))
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    truth = expected(sim, sim.url)
    for kind in (k.PR_REVIEW, k.PR_COMMENT, k.ISSUE_COMMENT):  # comments: from REST's listing, not nested
        assert stored(engine, kind) == truth[kind], kind
    assert sim.request_count("POST /graphql") == 1  # asked once, then REST for the rest of the source
    assert sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}/reviews") == len(sim.org.all_pulls(GITHUB))
    assert "isDraftX" in caplog.text and "using REST" in caplog.text


@pytest.mark.parametrize("graphql", [True, False], ids=["graphql", "rest"])
def test_commits_merged_late_with_an_old_date_are_picked_up(sim, tmp_path, graphql):
    """A PR merged today brings commits dated last week: the second run finds them by the branch head."""
    from leadsig.simulator.model import FileChange

    cfg = make_config(tmp_path, sim.url, graphql=graphql)
    engine = first_run(cfg)
    org = sim.org
    repo = org.repos_of(GITHUB)[0].full_name
    author = org.humans()[0]
    week_ago = org.now - timedelta(days=7)
    late = org.add_commit(repo, author, "docs: explain the retry budget", [FileChange("docs/retries.md", 40, 2)],
                          at=week_ago)
    merge_base = org.add_commit(repo, author, "Merge pull request #99", [], at=org.now + timedelta(minutes=5))
    merge_base.parents = [merge_base.parents[0], late.sha]  # a merge commit: its changes are its parents'
    sim.reset_requests()
    mine(cfg, engine)
    commits = stored(engine, k.COMMIT)
    assert late.sha in commits and commits[late.sha].endswith(f"/commit/{late.sha}")
    assert merge_base.sha not in commits
    assert sim.request_count("GET /repos/{owner}/{repo}/compare/{basehead}") == 1  # the other repo's commits
    # probe was unchanged (a 304); no date listing once the head is known:
    assert not [path for _, path, _ in sim.log if "/commits?" in path and "since=" in path]


def test_a_force_push_that_drops_the_stored_head_falls_back_to_dates(sim, tmp_path, caplog):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    org = sim.org
    repo = org.repos_of(GITHUB)[0].full_name
    head = [c for c in org.commits[repo] if c.branch == "main"][-1]
    org.drop_commit(repo, head.sha)  # rewritten history: the stored head no longer exists
    with caplog.at_level("INFO", logger="leadsig.mine.github"):
        mine(cfg, engine)
    assert "is gone; listing commits by date" in caplog.text
    assert sim.request_count("GET /repos/{owner}/{repo}/commits") >= 1


@pytest.mark.parametrize("graphql", [True, False], ids=["graphql", "rest"])
def test_a_review_dismissed_after_it_was_stored_is_updated(sim, tmp_path, graphql):
    cfg = make_config(tmp_path, sim.url, graphql=graphql)
    engine = first_run(cfg)
    org = sim.org
    review = next(r for r in org.all_reviews() if r.state == "APPROVED")
    with engine.connect() as conn:
        before = conn.execute(select(m.Activity.review_comment_count).where(
            m.Activity.kind == k.PR_REVIEW, m.Activity.native_id == str(review.id))).scalar_one()
    org.dismiss_review(review.repo, review.number, review.id, at=org.now + timedelta(hours=1))
    mine(cfg, engine)
    with engine.connect() as conn:
        state, count = conn.execute(select(m.Activity.state, m.Activity.review_comment_count).where(
            m.Activity.kind == k.PR_REVIEW, m.Activity.native_id == str(review.id))).one()
    assert (state, count) == ("dismissed", before)  # the inline count stays exact


def test_anonymous_graphql_refused_as_on_github_falls_back_to_rest(sim, tmp_path, caplog):
    """github.com answers anonymous GraphQL with 401: a source without a token mines the PRs through REST."""
    sim.switches.graphql_needs_token = True
    cfg = make_config(tmp_path, sim.url)
    engine = open_warehouse(cfg.warehouse)
    with caplog.at_level("WARNING", logger="leadsig.mine.github"):
        mine(cfg, engine)
    assert stored(engine, k.PR_REVIEW) == expected(sim, sim.url)[k.PR_REVIEW]
    assert sim.request_count("POST /graphql") == 1 and sim.statuses[401] == 1
    assert "requires you to be authenticated" in caplog.text and "using REST" in caplog.text


def test_graphql_with_a_token_is_answered(sim, tmp_path, monkeypatch):
    sim.switches.graphql_needs_token = True
    monkeypatch.setenv("LEADSIG_TEST_GH_TOKEN", "test-token-not-real")
    first_run(make_config(tmp_path, sim.url, token_env="LEADSIG_TEST_GH_TOKEN"))
    assert sim.statuses[401] == 0 and sim.request_count("POST /graphql") >= 1
    assert sim.request_count("GET /repos/{owner}/{repo}/pulls/{number}/reviews") == 0
