"""GitHub JSON -> Activity mapping, on small hand-written objects in the REST shapes (old and new)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from leadsig import activity as k
from leadsig.miners import github_convert as cv

HOST = "github.com"
REPO = "acme/api"


def user(login: str = "alice", type_: str = "User") -> dict[str, Any]:
    return {"login": login, "id": 1, "type": type_, "site_admin": False}


def pull(number: int = 7, **over: Any) -> dict[str, Any]:
    pr = {"number": number, "title": "Add cache", "body": "Why: latency", "state": "closed",
          "html_url": f"https://github.com/{REPO}/pull/{number}", "user": user("alice"),
          "labels": [{"name": "perf"}, {"name": "api"}], "created_at": "2025-01-02T10:00:00Z",
          "updated_at": "2025-01-05T10:00:00Z", "merged_at": "2025-01-04T09:30:00Z",
          "requested_reviewers": [user("bob")], "requested_teams": [{"slug": "core"}], "draft": False}
    pr.update(over)
    return pr


def review(**over: Any) -> dict[str, Any]:
    rv = {"id": 301, "user": user("bob"), "state": "APPROVED", "body": "LGTM",
          "submitted_at": "2025-01-03T08:00:00Z", "html_url": f"https://github.com/{REPO}/pull/7#pullrequestreview-301",
          "commit_id": "abc"}
    rv.update(over)
    return rv


def parent(is_pr: bool = True) -> cv.Parent:
    return cv.parent_of(pull(), is_pr=is_pr)


def test_pr_opened_and_merged_carry_parent_and_evidence():
    opened, merged = cv.pr_activities(HOST, REPO, pull())
    assert (opened.kind, merged.kind) == (k.PR_OPENED, k.PR_MERGED)
    assert opened.native_id == merged.native_id == "acme/api#7"
    assert opened.id != merged.id
    assert opened.url == "https://github.com/acme/api/pull/7"
    assert opened.occurred_at == datetime(2025, 1, 2, 10, tzinfo=UTC)
    assert merged.occurred_at == datetime(2025, 1, 4, 9, 30, tzinfo=UTC)
    assert opened.parent_labels == ("perf", "api") and opened.parent_author == "alice"
    assert opened.extra["requested_reviewers"] == ["bob"] and opened.extra["requested_teams"] == ["core"]
    assert merged.extra["merged_by_known"] is False and merged.actor_login == "alice"


def test_merged_by_is_the_actor_when_the_object_has_it():
    _, merged = cv.pr_activities(HOST, REPO, pull(merged_by=user("carol")))
    assert merged.actor_login == "carol" and merged.extra["merged_by_known"] is True


def test_open_pr_of_2012_without_newer_fields():
    old = {"number": 1, "title": "t", "body": None, "html_url": "u", "user": user(),
           "created_at": "2012-01-01T00:00:00Z", "updated_at": "2012-01-01T00:00:00Z", "merged_at": None, "labels": []}
    [opened] = cv.pr_activities(HOST, REPO, old)
    assert opened.body == "" and opened.extra["requested_reviewers"] == [] and opened.extra["draft"] is False


@pytest.mark.parametrize(("raw", "state"), [("APPROVED", "approved"), ("CHANGES_REQUESTED", "changes_requested"),
                                            ("REQUESTED_CHANGES", "changes_requested"), ("COMMENTED", "commented"),
                                            ("DISMISSED", "dismissed")])
def test_review_states_are_lowercased_and_old_spelling_mapped(raw, state):
    a = cv.review_activity(HOST, REPO, parent(), review(state=raw), 2)
    assert a.state == state and a.review_comment_count == 2


def test_review_facts():
    a = cv.review_activity(HOST, REPO, parent(), review(), 0)
    assert a.kind == k.PR_REVIEW and a.native_id == "301" and a.actor_login == "bob"
    assert a.url.endswith("#pullrequestreview-301") and a.parent_number == 7 and a.parent_title == "Add cache"
    assert a.extra["was_requested"] is True


def test_pending_review_is_not_activity():
    assert cv.review_activity(HOST, REPO, parent(), review(state="PENDING", submitted_at=None), 0) is None


def test_review_by_deleted_user_is_ghost():
    assert cv.review_activity(HOST, REPO, parent(), review(user=None), 0).actor_login == "ghost"


def test_review_comment_keeps_thread_facts():
    c = {"id": 401, "user": user("bot-x[bot]", "Bot"), "body": "nit", "created_at": "2025-01-03T07:59:00Z",
         "updated_at": "2025-01-06T00:00:00Z", "html_url": "https://github.com/acme/api/pull/7#discussion_r401",
         "pull_request_review_id": 301, "in_reply_to_id": 400, "path": "src/a.py", "original_line": 12}
    a = cv.review_comment_activity(HOST, REPO, parent(), c)
    assert a.kind == k.REVIEW_COMMENT and a.native_id == "401" and a.actor_is_bot is True
    assert a.updated_at == datetime(2025, 1, 6, tzinfo=UTC)
    assert a.extra == {"is_pr": True, "review_id": 301, "in_reply_to_id": 400, "path": "src/a.py", "line": 12,
                       "author_association": None}


@pytest.mark.parametrize(("is_pr", "kind"), [(True, k.PR_COMMENT), (False, k.ISSUE_COMMENT)])
def test_issue_comment_kind_follows_its_parent(is_pr, kind):
    c = {"id": 501, "user": user(), "body": "b", "created_at": "2025-01-03T00:00:00Z",
         "updated_at": "2025-01-03T00:00:00Z", "html_url": "https://github.com/acme/api/issues/7#issuecomment-501"}
    assert cv.issue_comment_activity(HOST, REPO, parent(is_pr), c).kind == kind


def test_parent_of_issue_listing_item_knows_prs():
    assert cv.parent_of({"number": 3, "title": "x", "user": user(), "pull_request": {"url": "u"}}).is_pr is True
    assert cv.parent_of({"number": 4, "title": "x", "user": user()}).is_pr is False


def test_issue_opened():
    issue = {"number": 9, "title": "Flaky CI", "body": "see logs", "user": user("dan"), "labels": [{"name": "ci"}],
             "created_at": "2025-02-01T00:00:00Z", "updated_at": "2025-02-02T00:00:00Z", "state": "open",
             "html_url": "https://github.com/acme/api/issues/9", "comments": 3, "assignees": [user("eve")]}
    a = cv.issue_activity(HOST, REPO, issue)
    assert (a.kind, a.native_id, a.parent_author, a.parent_labels) == (k.ISSUE_OPENED, "acme/api#9", "dan", ("ci",))
    assert a.extra["assignees"] == ["eve"] and a.extra["comments"] == 3


def commit(author: dict | None, date: str = "2025-03-01T10:00:00+02:00") -> dict[str, Any]:
    return {"sha": "f" * 40, "html_url": "https://github.com/acme/api/commit/" + "f" * 40, "author": author,
            "commit": {"author": {"name": "Al", "email": "al@acme.test", "date": date},
                       "committer": {"name": "Al", "email": "al@acme.test", "date": date},
                       "message": "docs: explain retries\n\nbody"},
            "stats": {"additions": 10, "deletions": 2, "total": 12},
            "files": [{"filename": "docs/retries.md"}, {"filename": "src/x.py"}], "parents": [{"sha": "e" * 40}]}


def test_commit_with_linked_account_and_offset():
    a = cv.commit_activity(HOST, REPO, commit(user("al")), ("docs",))
    assert a.kind == k.COMMIT and a.native_id == "f" * 40 and a.actor_login == "al"
    assert a.actor_utc_offset_minutes == 120 and a.occurred_at == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert (a.files, a.additions, a.deletions, a.path_groups) == (2, 10, 2, ("docs",))
    assert a.parent_title == "docs: explain retries" and a.actor_email == "al@acme.test"


def test_commit_without_account_falls_back_to_email_and_z_means_unknown_offset():
    a = cv.commit_activity(HOST, REPO, commit(None, "2025-03-01T10:00:00Z"), ("docs",))
    assert a.actor_login == "al@acme.test" and a.actor_utc_offset_minutes is None
