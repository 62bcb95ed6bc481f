"""The synthetic org: deterministic, varied enough for the rules, and mutable between mining runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from leadsig.roster import PERSON_KEYS
from leadsig.simulator import GITHUB, GITLAB, build_org
from leadsig.simulator.roster import roster_entries


def fingerprint(org) -> list[tuple]:
    out: list[tuple] = [(p.key, p.gh_login, p.timezone, p.level) for p in org.people]
    for forge in (GITHUB, GITLAB):
        for pr in org.all_pulls(forge):
            out.append((pr.repo, pr.number, pr.title, pr.author.key, pr.created_at, pr.updated_at, pr.state))
            out += [(c.id, c.kind, c.body, c.created_at) for c in pr.comments]
        out += [(c.sha, c.authored_at, tuple(f.filename for f in c.files)) for c in org.all_commits(forge, None)]
    out += [(r.id, r.state, r.submitted_at) for r in org.all_reviews()]
    return out


def test_same_seed_same_org_and_other_seed_differs() -> None:
    assert fingerprint(build_org(5, "tiny")) == fingerprint(build_org(5, "tiny"))
    assert fingerprint(build_org(5, "tiny")) != fingerprint(build_org(6, "tiny"))


def test_now_moves_all_times() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    org = build_org(5, "tiny", now=now)
    times = [pr.updated_at for pr in org.all_pulls(GITHUB)] + [c.authored_at for c in org.all_commits(GITHUB)]
    assert max(times) <= now
    assert min(times) >= now - timedelta(days=200)


def test_tiny_size_is_small() -> None:
    org = build_org(1, "tiny")
    assert 2 <= len(org.repos) <= 3
    assert 20 <= len(org.all_pulls(GITHUB)) + len(org.all_pulls(GITLAB)) <= 40


def test_unknown_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="tiny"):
        build_org(1, "huge")


def test_content_variety() -> None:
    org = build_org(3, "small")
    states = {r.state for r in org.all_reviews()}
    assert states == {"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"}
    assert org.all_approvals() and org.all_system_notes()
    assert any(c.in_reply_to_id for c in org.all_review_comments(GITHUB))
    assert {p.region for p in org.humans()} >= {"Americas", "Europe", "Asia-Pacific"}
    assert [p.gh_login for p in org.bots()] == ["dependabot[bot]", "acme-ci[bot]"]
    assert any("/" in r.owner for r in org.repos_of(GITLAB))  # subgroups
    files = {f.filename for c in org.all_commits(GITHUB) + org.all_commits(GITLAB) for f in c.files}
    assert any(f.startswith("docs/") for f in files) and any(f.startswith("adr/") for f in files)
    assert ".github/workflows/ci.yml" in files and ".gitlab-ci.yml" in files
    assert files & {"CONTRIBUTING.md", "CODEOWNERS", ".github/PULL_REQUEST_TEMPLATE.md"}
    bodies = " ".join(
        c.body
        for forge in (GITHUB, GITLAB)
        for c in org.all_pr_comments(forge) + org.all_review_comments(forge) + org.all_issue_comments(forge)
    )
    # written the many ways engineers write (the families themselves: tests/simulator/test_text.py)
    for marker in ["```", "https://", "@", "LGTM", "nit:", "Summary:", "\n- ", "#"]:
        assert marker in bodies, marker
    assert len({c.body for forge in (GITHUB, GITLAB) for c in org.all_pr_comments(forge)}) > 50
    assert any(not c.linked for c in org.all_commits(GITHUB))  # some authors GitHub cannot link
    assert any(re.search(r"noreply", c.author_email) for c in org.all_commits(GITHUB))


@pytest.mark.slow
def test_large_size_is_benchmark_sized() -> None:
    org = build_org(1, "large")
    assert len(org.repos_of(GITHUB)) >= 20 and len(org.repos_of(GITLAB)) >= 20
    assert len(org.all_pulls(GITHUB)) >= 5000 and len(org.all_pulls(GITLAB)) >= 5000


def test_mutations_move_updated_at() -> None:
    org = build_org(2, "tiny")
    old = min(org.all_pulls(GITHUB), key=lambda p: p.updated_at)
    before = len(org.all_reviews())
    rv = org.add_late_review(old.repo, old.number)
    assert len(org.all_reviews()) == before + 1 and old.updated_at == org.now == rv.submitted_at

    c = org.all_issue_comments(GITHUB)[0]
    later = org.now + timedelta(minutes=5)
    org.edit_comment(GITHUB, c.id, "edited body", at=later)
    assert (c.body, c.updated_at) == ("edited body", later)

    mr = min(org.all_pulls(GITLAB), key=lambda p: p.updated_at)
    ap = org.add_late_approval(mr.repo, mr.number)
    assert ap in org.all_approvals() and mr.updated_at == org.now
    assert org.comment(GITLAB, ap.note_id).body == "approved this merge request"

    note = org.all_pr_comments(GITLAB)[0]
    parent = org.pull(note.repo, note.number)
    org.edit_note(note.id, "new text", at=later)
    assert parent.updated_at == later  # GitLab notes touch their noteable

    pr = org.add_pull("acme/" + org.repos_of(GITHUB)[0].name, org.humans()[0], "New thing")
    org.add_comment(pr.repo, pr.number, org.humans()[1], "cc @someone")
    assert pr in org.all_pulls(GITHUB) and len(org.all_pr_comments(GITHUB)) > 0


def test_roster_entries() -> None:
    org = build_org(2, "tiny")
    entries = roster_entries(org)
    assert len(entries) == len(org.humans())
    e = entries[0]
    assert set(e) == PERSON_KEYS  # exactly the roster format leadsig's loader accepts
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["start_date"]) and e["github"] and e["gitlab"]


def test_revoke_approval_drops_it_and_writes_an_unapproved_system_note() -> None:
    org = build_org(2, "tiny")
    ap = org.all_approvals()[0]
    mr = org.pull(ap.repo, ap.number)
    later = max(org.now, mr.updated_at) + timedelta(minutes=5)
    note = org.revoke_approval(ap.repo, ap.number, ap.user, at=later)
    assert ap not in org.all_approvals() and mr.updated_at == later
    assert (note.kind, note.body, note.author) == ("system", "unapproved this merge request", ap.user)
    assert note in org.all_system_notes()
