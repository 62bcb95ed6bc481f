"""The GitLab miner over real HTTP (python-gitlab) against the forge simulator, into SQLite, vs ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from mining import first_run, mine, stored
from sqlalchemy import Engine, select

from leadsig import activity as k
from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.miners.paths import PathGroups
from leadsig.simulator import GITLAB, ForgeSimulator
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

MR_TEMPLATE = "GET /api/v4/projects/{pid}/merge_requests/{iid}"


@pytest.fixture
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=7) as s:
        yield s


def make_config(tmp_path: Path, url: str, name: str = "w", path_groups: dict | None = None,
                **source: object) -> Config:
    src = SourceConfig(kind="gitlab", url=url, name="gl", groups=["acme"], max_retries=10,
                       **source)  # type: ignore[arg-type]
    groups = dict(DEFAULT_PATH_GROUPS) if path_groups is None else path_groups
    return Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / name}.db", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=groups, sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path, bot_patterns=DEFAULT_BOT_PATTERNS)


def dump(engine: Engine) -> list[tuple]:
    """Every activity row in id order, minus mined_at (the only column that may differ between runs)."""
    cols = [c for c in m.Activity.__table__.c if c.name != "mined_at"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).order_by(m.Activity.id)).all()]


def web(sim: ForgeSimulator, repo: str, kind: str, iid: int) -> str:
    return f"{sim.url}/{repo}/-/{kind}/{iid}"


def expected(sim: ForgeSimulator) -> dict[str, dict[str, str]]:
    """Ground truth from the simulator's org, evidence URLs as GitLab shapes them."""
    org = sim.org
    groups = PathGroups(DEFAULT_PATH_GROUPS)
    mrs = org.all_pulls(GITLAB)
    mr_url = {(p.repo, p.number): web(sim, p.repo, "merge_requests", p.number) for p in mrs}
    return {
        k.PR_OPENED: {f"{p.repo}!{p.number}": mr_url[(p.repo, p.number)] for p in mrs},
        k.PR_MERGED: {f"{p.repo}!{p.number}": mr_url[(p.repo, p.number)] for p in mrs if p.merged_at},
        k.PR_REVIEW: {f"{a.repo}!{a.number}:approval:{a.user.gl_id}": f"{mr_url[(a.repo, a.number)]}#note_{a.note_id}"
                      for a in org.all_approvals()},
        k.REVIEW_COMMENT: {str(c.id): f"{mr_url[(c.repo, c.number)]}#note_{c.id}"
                           for c in org.all_review_comments(GITLAB)},
        k.PR_COMMENT: {str(c.id): f"{mr_url[(c.repo, c.number)]}#note_{c.id}" for c in org.all_pr_comments(GITLAB)},
        k.ISSUE_OPENED: {f"{i.repo}#{i.number}": web(sim, i.repo, "issues", i.number) for i in org.all_issues(GITLAB)},
        k.ISSUE_COMMENT: {str(c.id): f"{web(sim, c.repo, 'issues', c.number)}#note_{c.id}"
                          for c in org.all_issue_comments(GITLAB)},
        k.COMMIT: {c.sha: f"{sim.url}/{c.repo}/-/commit/{c.sha}" for c in org.all_commits(GITLAB)
                   if groups.match(f.filename for f in c.files)},
    }


def test_full_run_stores_every_activity_exactly_once_with_its_evidence(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = open_warehouse(cfg.warehouse)
    result = mine(cfg, engine)
    for kind, truth in expected(sim).items():
        assert truth, kind
        assert stored(engine, kind) == truth, kind
    assert result.stats.requests == sim.request_count()  # our count agrees with the server's
    approval_notes = {str(a.note_id) for a in sim.org.all_approvals()}  # approvals link their system note
    system = {str(c.id) for c in sim.org.all_system_notes()} - approval_notes
    with engine.connect() as conn:
        urls = conn.execute(select(m.Activity.native_id, m.Activity.url)).all()
    assert system and not any(nid in system or url.rsplit("#note_", 1)[-1] in system for nid, url in urls)


def test_approvals_are_reviews_dated_by_their_approval(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    with engine.connect() as conn:
        rows = conn.execute(select(m.Activity.native_id, m.Activity.state, m.Activity.occurred_at,
                                   m.Activity.actor_login).where(m.Activity.kind == k.PR_REVIEW)).all()
    truth = {f"{a.repo}!{a.number}:approval:{a.user.gl_id}": ("approved", a.approved_at, a.user.gl_username)
             for a in sim.org.all_approvals()}
    assert {nid: (state, at, login) for nid, state, at, login in rows} == truth


def test_second_run_with_nothing_new_adds_nothing_and_costs_at_most_five_requests_per_project(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    before = dump(engine)
    sim.reset_requests()
    mine(cfg, engine)
    projects = len(sim.org.repos_of(GITLAB))
    assert sim.request_count() - sim.request_count("GET /api/v4/groups/{gid}/projects") <= 5 * projects
    assert sim.request_count(MR_TEMPLATE + "/notes") == 0
    assert dump(engine) == before


@pytest.mark.parametrize("graphql", [True, False], ids=["graphql", "rest"])
def test_late_approval_and_edited_notes_are_picked_up(sim, tmp_path, graphql):
    cfg = make_config(tmp_path, sim.url, graphql=graphql)
    engine = first_run(cfg)
    org = sim.org
    at = org.now + timedelta(hours=1)
    old_mr = min(org.all_pulls(GITLAB), key=lambda p: p.updated_at)
    approval = org.add_late_approval(old_mr.repo, old_mr.number, at=at)
    diff_note = min(org.all_review_comments(GITLAB), key=lambda c: c.updated_at)
    org.edit_note(diff_note.id, "Edited: use the decimal type here.", at=at)
    issue_note = min(org.all_issue_comments(GITLAB), key=lambda c: c.updated_at)
    org.edit_note(issue_note.id, "Edited: reproduced on main.", at=at)
    sim.reset_requests()
    mine(cfg, engine)
    with engine.connect() as conn:
        rows = {(r.kind, r.native_id): r for r in conn.execute(select(m.Activity.__table__)).all()}
    late = rows[(k.PR_REVIEW, f"{old_mr.repo}!{old_mr.number}:approval:{approval.user.gl_id}")]
    assert (late.state, late.occurred_at, late.actor_login) == ("approved", at, approval.user.gl_username.lower())
    assert rows[(k.REVIEW_COMMENT, str(diff_note.id))].body == "Edited: use the decimal type here."
    assert rows[(k.ISSUE_COMMENT, str(issue_note.id))].body == "Edited: reproduced on main."
    touched = {(old_mr.repo, old_mr.number), (diff_note.repo, diff_note.number)}
    if graphql:  # the touched MRs come back in the one page of MRs updated since, their notes nested
        assert sim.request_count(MR_TEMPLATE + "/notes") == 0
        assert sim.request_count("POST /api/graphql") == len(sim.org.repos_of(GITLAB))
    else:
        assert sim.request_count(MR_TEMPLATE + "/notes") == len(touched)  # only the touched MRs
    assert sim.request_count(MR_TEMPLATE + "/approvals") == 0  # approvals come from the system notes


def test_revoked_approval_is_not_stored_and_a_renewed_one_moves_to_its_new_note(sim, tmp_path):
    org = sim.org
    revoked, renewed = org.all_approvals()[:2]
    at = org.now + timedelta(hours=1)
    org.revoke_approval(revoked.repo, revoked.number, revoked.user, at=at)
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    assert stored(engine, k.PR_REVIEW) == expected(sim)[k.PR_REVIEW]  # ground truth: revoked one gone
    assert f"{revoked.repo}!{revoked.number}:approval:{revoked.user.gl_id}" not in stored(engine, k.PR_REVIEW)
    org.revoke_approval(renewed.repo, renewed.number, renewed.user, at=at + timedelta(minutes=1))
    again = org.add_approval(renewed.repo, renewed.number, renewed.user, at=at + timedelta(minutes=2))
    mine(cfg, engine)
    nid = f"{renewed.repo}!{renewed.number}:approval:{renewed.user.gl_id}"
    assert stored(engine, k.PR_REVIEW)[nid].endswith(f"#note_{again.note_id}")
    with engine.connect() as conn:
        (at_row,) = conn.execute(select(m.Activity.occurred_at).where(m.Activity.native_id == nid)).one()
    assert at_row == again.approved_at  # same row, moved to the renewed approval


@pytest.mark.parametrize("graphql", [True, False], ids=["graphql", "rest"])
def test_approvals_api_is_an_opt_in_fallback(sim, tmp_path, graphql):
    cfg = make_config(tmp_path, sim.url, graphql=graphql)
    cfg.sources[0].approvals_api = True  # type: ignore[attr-defined]
    engine = first_run(cfg)
    calls = 0 if graphql else len(sim.org.all_pulls(GITLAB))  # GraphQL: approvedBy nested in the MR page
    assert sim.request_count(MR_TEMPLATE + "/approvals") == calls
    assert stored(engine, k.PR_REVIEW) == expected(sim)[k.PR_REVIEW]


def test_faults_and_429s_end_in_the_same_warehouse_as_a_clean_run(sim, tmp_path):
    clean_cfg = make_config(tmp_path, sim.url, name="clean")
    clean = open_warehouse(clean_cfg.warehouse)
    mine(clean_cfg, clean)
    sim.switches.error_rate = 0.1
    sim.switches.drop_rate = 0.03
    sim.switches.secondary_every = 10  # every 10th request: 429 with Retry-After
    sim.switches.retry_after = 0
    faulty_cfg = make_config(tmp_path, sim.url, name="faulty")
    faulty = open_warehouse(faulty_cfg.warehouse)
    result = mine(faulty_cfg, faulty)
    assert result.stats.retries > 0 and any(reason == "HTTP 429" for reason, _ in result.stats.waits)
    assert sim.statuses[429] > 0 and sum(n for s, n in sim.statuses.items() if s >= 500) > 0
    assert dump(faulty) == dump(clean)


def test_folder_path_groups_pick_commits_by_path_listing_and_diff_only_those(sim, tmp_path):
    folders = {"tests": ["tests/**"], "ci": [".gitlab/**"]}
    cfg = make_config(tmp_path, sim.url, path_groups=folders)
    engine = first_run(cfg)
    groups = PathGroups(folders)
    truth = {c.sha: f"{sim.url}/{c.repo}/-/commit/{c.sha}" for c in sim.org.all_commits(GITLAB)
             if groups.match(f.filename for f in c.files)}
    assert truth and stored(engine, k.COMMIT) == truth
    with engine.connect() as conn:
        hits = conn.execute(select(m.Activity.path_groups).where(m.Activity.kind == k.COMMIT)).scalars().all()
    assert all(set(h) <= set(folders) and h for h in hits)
    commits = [c for c in sim.org.all_commits(GITLAB) if len(c.parents) <= 1]
    diffs = sim.request_count("GET /api/v4/projects/{pid}/repository/commits/{sha}/diff")
    assert diffs == len(truth) < len(commits)  # untouched commits cost no diff call


def test_a_failing_project_is_recorded_and_the_others_finish(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url, projects=["acme/does-not-exist"])
    engine = open_warehouse(cfg.warehouse)
    result = mine(cfg, engine, expect_ok=False)
    assert set(result.stats.failed_repos) == {"acme/does-not-exist"}
    assert "404" in result.stats.failed_repos["acme/does-not-exist"]
    assert stored(engine, k.PR_OPENED) == expected(sim)[k.PR_OPENED]


def test_list_repos_expands_subgroups_and_applies_excludes(sim, tmp_path):
    from leadsig.miners.gitlab import GitLabMiner

    names = [r.full_name for r in sim.org.repos_of(GITLAB)]
    cfg = make_config(tmp_path, sim.url, projects=["other/tool"], exclude=[names[0]])
    miner = GitLabMiner(cfg.sources[0], PathGroups({}), cfg_start(cfg))
    assert miner.list_repos() == sorted(set(names[1:]) | {"other/tool"})
    assert all(n.count("/") >= 2 for n in names)  # the group's projects live in subgroups


def cfg_start(cfg: Config):
    from datetime import UTC, datetime, time

    return datetime.combine(cfg.since, time.min, tzinfo=UTC)


def test_commits_merged_late_with_an_old_date_are_picked_up(sim, tmp_path):
    """A merge request merged today brings commits dated last week: the second run finds them by the head."""
    from leadsig.simulator.model import FileChange

    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    org = sim.org
    repo = org.repos_of(GITLAB)[0]
    author = org.humans()[0]
    late = org.add_commit(repo.full_name, author, "docs: explain the retry budget",
                          [FileChange("docs/retries.md", 40, 2)], at=org.now - timedelta(days=7))
    merge = org.add_commit(repo.full_name, author, "Merge branch 'retries' into 'main'", [],
                           at=org.now + timedelta(minutes=5))
    merge.parents = [merge.parents[0], late.sha]
    sim.reset_requests()
    mine(cfg, engine)
    commits = stored(engine, k.COMMIT)
    assert late.sha in commits and commits[late.sha].endswith(f"/-/commit/{late.sha}")
    assert merge.sha not in commits
    projects = len(org.repos_of(GITLAB))
    assert sim.request_count("GET /api/v4/projects/{pid}/repository/compare") == projects


def test_nothing_new_costs_a_compare_and_no_commit_listing(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    sim.reset_requests()
    mine(cfg, engine)
    assert sim.request_count("GET /api/v4/projects/{pid}/repository/commits") == 0


def test_a_force_push_that_drops_the_stored_head_falls_back_to_dates(sim, tmp_path, caplog):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    org = sim.org
    repo = org.repos_of(GITLAB)[0]
    head = [c for c in org.commits[repo.full_name] if c.branch == repo.default_branch][-1]
    org.drop_commit(repo.full_name, head.sha)
    with caplog.at_level("INFO", logger="leadsig.mine.gitlab"):
        mine(cfg, engine)
    assert "is gone; listing commits by date" in caplog.text


def test_an_approval_revoked_after_it_was_stored_is_removed_on_the_next_run(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    org = sim.org
    kept, revoked = org.all_approvals()[:2]
    nid = f"{revoked.repo}!{revoked.number}:approval:{revoked.user.gl_id}"
    assert nid in stored(engine, k.PR_REVIEW)
    org.revoke_approval(revoked.repo, revoked.number, revoked.user, at=org.now + timedelta(hours=1))
    mine(cfg, engine)
    assert nid not in stored(engine, k.PR_REVIEW)
    assert f"{kept.repo}!{kept.number}:approval:{kept.user.gl_id}" in stored(engine, k.PR_REVIEW)
    assert stored(engine, k.PR_REVIEW) == expected(sim)[k.PR_REVIEW]  # the forge's current approvals, exactly


def test_approvals_reset_by_a_push_are_removed_on_the_next_run(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url)
    engine = first_run(cfg)
    org = sim.org
    approval = org.all_approvals()[0]
    pr = org.pull(approval.repo, approval.number)
    gone = {f"{pr.repo}!{pr.number}:approval:{a.user.gl_id}" for a in pr.approvals}
    assert gone <= set(stored(engine, k.PR_REVIEW))
    note = org.reset_approvals(pr.repo, pr.number, pr.author, at=org.now + timedelta(hours=1))
    assert note.body.startswith("reset approvals from @") and note.body.endswith(" by pushing to the branch")
    mine(cfg, engine)
    assert not gone & set(stored(engine, k.PR_REVIEW))
    assert stored(engine, k.PR_REVIEW) == expected(sim)[k.PR_REVIEW]


def test_without_path_groups_no_commit_is_listed_and_the_project_is_not_fetched(sim, tmp_path):
    cfg = make_config(tmp_path, sim.url, path_groups={})
    engine = open_warehouse(cfg.warehouse)
    mine(cfg, engine)
    mine(cfg, engine)
    commit_calls = [(verb, path) for verb, path, _ in sim.log if "/repository/" in path]
    project_gets = [path for _, path, _ in sim.log if path.split("?")[0].count("/") == 4]  # /api/v4/projects/ID
    assert commit_calls == [] and project_gets == []
    assert stored(engine, k.COMMIT) == {}
    assert stored(engine, k.PR_OPENED)  # the other streams were mined
