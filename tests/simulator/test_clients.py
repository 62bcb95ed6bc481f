"""PyGithub and python-gitlab against the simulator: listing, paging, and every item exactly once."""

from __future__ import annotations

import warnings

import github
import gitlab

from leadsig.simulator import GITHUB, GITLAB


def _gh(sim, prefix: str = "") -> github.Github:
    return github.Github(base_url=sim.url + prefix, auth=github.Auth.Token("x"), seconds_between_requests=0, per_page=5)


def test_pygithub_reads_everything_once(sim) -> None:
    g = _gh(sim)
    reviews, review_comments, issue_comments, commits = [], [], [], []
    for repo in g.get_organization("acme").get_repos():
        for pr in repo.get_pulls(state="all"):
            reviews += [r.id for r in pr.get_reviews()]
        review_comments += [c.id for c in repo.get_pulls_comments()]
        issue_comments += [c.id for c in repo.get_issues_comments()]
        commits += [c.sha for c in repo.get_commits()]
    org = sim.org
    assert sorted(reviews) == sorted(r.id for r in org.all_reviews())
    assert sorted(review_comments) == sorted(c.id for c in org.all_review_comments(GITHUB))
    assert sorted(issue_comments) == sorted(c.id for c in org.all_pr_comments(GITHUB) + org.all_issue_comments(GITHUB))
    assert sorted(commits) == sorted(c.sha for c in org.all_commits(GITHUB))


def test_pygithub_enterprise_and_details(sim) -> None:
    g = _gh(sim, "/api/v3")
    repo = g.get_repo("acme/api")
    pr = repo.get_pulls(state="all", sort="updated", direction="desc")[0]
    assert pr.user.login and pr.html_url.startswith(sim.url + "/acme/api/pull/")
    comments = list(pr.get_review_comments())
    if comments:
        assert comments[0].path and comments[0].diff_hunk.startswith("@@")
    c = repo.get_commit(repo.get_commits()[0].sha)
    assert c.files and c.stats.total == sum(f.changes for f in c.files)
    assert c.commit.author.date.utcoffset() is not None


def test_pygithub_waits_out_primary_limit(fresh_sim) -> None:
    fresh_sim.switches.budget, fresh_sim.switches.reset_after = 2, 1.0
    g = github.Github(
        base_url=fresh_sim.url, seconds_between_requests=0, retry=github.GithubRetry(total=3, backoff_factor=0.1)
    )
    names = [g.get_repo("acme/api").full_name for _ in range(3)]
    assert names == ["acme/api"] * 3
    assert fresh_sim.statuses[403] >= 1


def test_python_gitlab_reads_everything_once(sim) -> None:
    gl = gitlab.Gitlab(sim.url, private_token="x", per_page=5)
    approvals, notes, commits = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. a Link to another host would warn
        for gp in gl.groups.get("acme").projects.list(include_subgroups=True, iterator=True):
            project = gl.projects.get(gp.path_with_namespace)
            for mr in project.mergerequests.list(iterator=True, state="all"):
                approvals += [(mr.iid, a["user"]["username"]) for a in mr.approvals.get().approved_by]
                notes += [n.id for n in mr.notes.list(iterator=True) if not n.system]
            for issue in project.issues.list(iterator=True):
                notes += [n.id for n in issue.notes.list(iterator=True) if not n.system]
            commits += [c.id for c in project.commits.list(iterator=True, with_stats=True)]
    org = sim.org
    assert sorted(approvals) == sorted((a.number, a.user.gl_username) for a in org.all_approvals())
    truth = org.all_review_comments(GITLAB) + org.all_pr_comments(GITLAB) + org.all_issue_comments(GITLAB)
    assert sorted(notes) == sorted(c.id for c in truth)
    assert sorted(commits) == sorted(c.sha for c in org.all_commits(GITLAB))


def test_python_gitlab_sees_mutations(fresh_sim) -> None:
    gl = gitlab.Gitlab(fresh_sim.url, private_token="x")
    repo = fresh_sim.org.repos_of(GITLAB)[0]
    old = min(fresh_sim.org.pulls[repo.full_name], key=lambda p: p.updated_at)
    cutoff = fresh_sim.org.now.isoformat()
    project = gl.projects.get(repo.id)
    assert project.mergerequests.list(updated_after=cutoff, get_all=True) == []
    fresh_sim.org.add_late_approval(repo.full_name, old.number)
    changed = project.mergerequests.list(updated_after=cutoff, get_all=True)
    assert [m.iid for m in changed] == [old.number]
