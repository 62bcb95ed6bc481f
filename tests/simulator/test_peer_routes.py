"""What peers (Perceval) read and the miners do not: answered from the same org model as the rest."""

from __future__ import annotations

from urllib.parse import quote

import requests

from leadsig.simulator import GITHUB, GITLAB


def get(sim, path: str) -> requests.Response:
    return requests.get(sim.url + path, timeout=10)


def test_a_prs_commits_and_requested_reviewers(sim):
    pr = next(p for p in sim.org.all_pulls(GITHUB) if p.requested_reviewers)
    commits = get(sim, f"/repos/{pr.repo}/pulls/{pr.number}/commits").json()
    assert [c["sha"] for c in commits] == pr.commits
    reviewers = get(sim, f"/repos/{pr.repo}/pulls/{pr.number}/requested_reviewers").json()
    assert [u["login"] for u in reviewers["users"]] == [p.gh_login for p in pr.requested_reviewers]


def test_reactions_rollups_say_none_and_their_listings_are_empty(sim):
    issue = sim.org.all_issues(GITHUB)[0]
    body = get(sim, f"/repos/{issue.repo}/issues/{issue.number}").json()
    assert body["reactions"]["total_count"] == 0
    assert get(sim, f"/repos/{issue.repo}/issues/{issue.number}/reactions").json() == []


def test_a_users_organisations(sim):
    human, bot = sim.org.humans()[0], sim.org.bots()[0]
    assert [o["login"] for o in get(sim, f"/users/{human.gh_login}/orgs").json()] == [sim.org.github_org]
    assert get(sim, f"/users/{bot.gh_login}/orgs").json() == []
    assert get(sim, "/users/nobody-here/orgs").status_code == 404


def test_gitlab_award_emoji_and_mr_versions(sim):
    mr = sim.org.all_pulls(GITLAB)[0]
    base = f"/api/v4/projects/{quote(mr.repo, safe='')}/merge_requests/{mr.number}"
    assert get(sim, f"{base}/award_emoji").json() == []
    note = mr.comments[0]
    assert get(sim, f"{base}/notes/{note.id}/award_emoji").json() == []
    assert get(sim, f"{base}/notes/999999999/award_emoji").status_code == 404
    versions = get(sim, f"{base}/versions").json()
    assert [v["head_commit_sha"] for v in versions] == [mr.head_sha]
    full = get(sim, f"{base}/versions/{versions[0]['id']}").json()
    assert {c["id"] for c in full["commits"]} == set(mr.commits)
