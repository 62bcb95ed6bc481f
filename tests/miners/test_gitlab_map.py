"""GitLab JSON -> Activity mapping, on small dicts in GitLab's real shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadsig.miners import gitlab_map as gm
from leadsig.miners.paths import PathGroups

START = datetime(2025, 1, 1, tzinfo=UTC)
WEB = "https://gitlab.example.org/acme/platform/ledger/-/merge_requests/7"


def user(username: str, uid: int = 1, bot: bool | None = None) -> dict[str, Any]:
    u: dict[str, Any] = {"id": uid, "username": username, "name": username.title(), "state": "active"}
    if bot is not None:
        u["bot"] = bot
    return u


def mr(**over: Any) -> dict[str, Any]:
    base = {"id": 60001, "iid": 7, "project_id": 1001, "title": "Ledger rounding", "description": "Fixes #3",
            "state": "merged", "created_at": "2025-03-01T10:00:00.000Z", "updated_at": "2025-03-05T09:00:00.000Z",
            "merged_at": "2025-03-04T12:00:00.000Z", "author": user("ann", 1), "merge_user": user("bob", 2),
            "labels": ["backend", "docs"], "web_url": WEB, "user_notes_count": 2}
    return base | over


def note(nid: int, body: str, author: dict[str, Any], at: str = "2025-03-02T10:00:00.000Z", **over: Any) -> dict:
    base = {"id": nid, "type": None, "body": body, "author": author, "created_at": at, "updated_at": at,
            "system": False, "noteable_type": "MergeRequest", "noteable_iid": 7, "resolvable": False}
    return base | over


def diff_note(nid: int, body: str, author: dict[str, Any]) -> dict[str, Any]:
    pos = {"base_sha": "a", "head_sha": "b", "start_sha": "a", "position_type": "text", "new_path": "src/x.py",
           "old_path": "src/x.py", "new_line": 12, "old_line": None}
    return note(nid, body, author, type="DiffNote", position=pos, resolvable=True)


def approvals(*users: dict[str, Any], approved_at: str | None = None) -> dict[str, Any]:
    entries = [{"user": u} | ({"approved_at": approved_at} if approved_at else {}) for u in users]
    return {"id": 60001, "iid": 7, "approved": bool(users), "approved_by": entries}


def by_kind(acts: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for a in acts:
        out.setdefault(a.kind, []).append(a)
    return out


def test_mr_opened_and_merged_carry_parent_facts() -> None:
    acts = by_kind(gm.mr_activities("acme/platform/ledger", "gitlab.example.org", mr(), [], approvals(), START))
    opened, merged = acts["pr_opened"][0], acts["pr_merged"][0]
    assert (opened.actor_login, opened.native_id, opened.url) == ("ann", "acme/platform/ledger!7", WEB)
    assert opened.parent_labels == ("backend", "docs") and opened.body == "Fixes #3"
    assert merged.actor_login == "bob" and merged.occurred_at == datetime(2025, 3, 4, 12, tzinfo=UTC)


def test_open_mr_has_no_merged_activity() -> None:
    acts = gm.mr_activities("g/p", "h", mr(state="opened", merged_at=None), [], approvals(), START)
    assert [a.kind for a in acts] == ["pr_opened"]


def test_notes_split_into_diff_notes_and_conversation_and_system_notes_dropped() -> None:
    notes = [diff_note(801, "nit: name", user("cy", 3)), note(802, "LGTM overall", user("dee", 4)),
             note(803, "added 1 commit", user("ann", 1), system=True)]
    acts = by_kind(gm.mr_activities("g/p", "h", mr(), notes, approvals(), START))
    rc, pc = acts["review_comment"][0], acts["pr_comment"][0]
    assert rc.url == f"{WEB}#note_801" and rc.extra["path"] == "src/x.py" and rc.extra["line"] == 12
    assert pc.url == f"{WEB}#note_802" and pc.body == "LGTM overall"
    assert all("#note_803" not in a.url for kind in acts.values() for a in kind)


def test_approval_dated_and_linked_by_its_system_note() -> None:
    notes = [note(810, "approved this merge request", user("cy", 3), "2025-03-03T08:00:00.000Z", system=True)]
    (review,) = by_kind(gm.mr_activities("g/p", "h", mr(), notes, approvals(user("cy", 3)), START))["pr_review"]
    assert review.state == "approved" and review.native_id == "g/p!7:approval:3"
    assert review.occurred_at == datetime(2025, 3, 3, 8, tzinfo=UTC) and review.url == f"{WEB}#note_810"


def sys_note(nid: int, body: str, author: dict[str, Any], at: str) -> dict[str, Any]:
    return note(nid, body, author, at, system=True)


def test_approvals_from_system_notes_alone_approved_minus_later_unapproved_per_user() -> None:
    notes = [sys_note(810, "approved this merge request", user("cy", 3), "2025-03-02T08:00:00.000Z"),
             sys_note(811, "approved this merge request", user("dee", 4), "2025-03-02T09:00:00.000Z"),
             sys_note(812, "unapproved this merge request", user("cy", 3), "2025-03-02T10:00:00.000Z"),
             sys_note(813, "unapproved this merge request", user("dee", 4), "2025-03-02T11:00:00.000Z"),
             sys_note(814, "Approved this merge request", user("dee", 4), "2025-03-03T07:00:00.000Z"),
             sys_note(815, "unapproved this merge request", user("eve", 5), "2025-03-03T08:00:00.000Z"),
             note(816, "approved this merge request", user("fay", 6))]  # not a system note: a comment
    reviews = by_kind(gm.mr_activities("g/p", "h", mr(), notes, None, START))["pr_review"]
    assert [(r.native_id, r.actor_login, r.occurred_at, r.url, r.state) for r in reviews] == [
        ("g/p!7:approval:4", "dee", datetime(2025, 3, 3, 7, tzinfo=UTC), f"{WEB}#note_814", "approved")]


def test_approval_notes_replayed_in_time_order_not_list_order() -> None:
    notes = [sys_note(821, "approved this merge request", user("cy", 3), "2025-03-02T12:00:00.000Z"),
             sys_note(820, "unapproved this merge request", user("cy", 3), "2025-03-02T11:00:00.000Z")]
    (review,) = by_kind(gm.mr_activities("g/p", "h", mr(), notes, None, START))["pr_review"]
    assert review.native_id == "g/p!7:approval:3" and review.url == f"{WEB}#note_821"


def test_approvals_api_when_given_decides_who_approved() -> None:
    notes = [sys_note(810, "approved this merge request", user("cy", 3), "2025-03-02T08:00:00.000Z")]
    acts = gm.mr_activities("g/p", "h", mr(), notes, approvals(), START)
    assert "pr_review" not in by_kind(acts)


def test_approval_prefers_approved_at_and_falls_back_to_mr_updated_at() -> None:
    given = gm.mr_activities("g/p", "h", mr(), [], approvals(user("cy", 3), approved_at="2025-03-02T01:00:00Z"),
                             START)
    fallback = gm.mr_activities("g/p", "h", mr(), [], approvals(user("cy", 3)), START)
    assert by_kind(given)["pr_review"][0].occurred_at == datetime(2025, 3, 2, 1, tzinfo=UTC)
    assert by_kind(fallback)["pr_review"][0].occurred_at == datetime(2025, 3, 5, 9, tzinfo=UTC)
    assert by_kind(fallback)["pr_review"][0].url == WEB


def test_bot_flag_and_activity_before_start_dropped() -> None:
    notes = [note(820, "Pipeline passed", user("ci-helper", 9, bot=True)),
             note(821, "old", user("dee", 4), at="2024-06-01T00:00:00.000Z")]
    acts = gm.mr_activities("g/p", "h", mr(), notes, approvals(), START)
    comments = by_kind(acts)["pr_comment"]
    assert [(c.actor_login, c.actor_is_bot) for c in comments] == [("ci-helper", True)]


def test_issue_and_its_notes() -> None:
    issue = mr(iid=3, web_url="https://h/g/p/-/issues/3", state="opened", merged_at=None)
    notes = [note(830, "repro steps", user("dee", 4)), note(831, "changed the description", user("dee", 4),
                                                                system=True)]
    acts = gm.issue_activities("g/p", "h", issue, notes, START)
    assert [(a.kind, a.native_id, a.url) for a in acts] == [
        ("issue_opened", "g/p#3", "https://h/g/p/-/issues/3"),
        ("issue_comment", "830", "https://h/g/p/-/issues/3#note_830")]


def test_commit_only_when_touching_a_path_group() -> None:
    groups = PathGroups({"docs": ["docs/**", "**/*.md"], "ci": [".gitlab-ci.yml"]})
    commit = {"id": "abc123", "author_name": "Ann", "author_email": "Ann@Acme.Example",
              "authored_date": "2025-03-01T10:00:00.000+02:00", "committed_date": "2025-03-01T08:30:00.000Z",
              "message": "Docs: explain rounding", "web_url": "https://h/g/p/-/commit/abc123",
              "stats": {"additions": 10, "deletions": 2, "total": 12}, "parent_ids": ["p1"]}
    diff = [{"old_path": "docs/ledger.md", "new_path": "docs/ledger.md"}, {"old_path": "a.py", "new_path": "b.py"}]
    act = gm.commit_activity("g/p", "h", commit, gm.diff_paths(diff), len(diff), groups)
    assert act is not None and act.path_groups == ("docs",) and act.files == 2
    assert act.parent_title == "Docs: explain rounding"  # reports show a commit by its title
    assert act.actor_login == "ann@acme.example" and act.actor_utc_offset_minutes == 120
    assert act.occurred_at == datetime(2025, 3, 1, 8, tzinfo=UTC) and (act.additions, act.deletions) == (10, 2)
    assert act.extra["paths"] == ["docs/ledger.md", "b.py", "a.py"]  # later edits of its docs are use of them
    assert gm.commit_activity("g/p", "h", commit, ["src/a.py"], 1, groups) is None


def test_mr_reviewers_are_kept_as_requested_reviewers_on_the_mr_and_its_merge():
    acts = gm.mr_activities("acme/ledger", "gitlab.example.org", mr(reviewers=[user("Cleo", 3), user("dan", 4)]), [],
                            None, START)
    assert {a.kind: a.extra.get("requested_reviewers") for a in acts} == {"pr_opened": ["cleo", "dan"],
                                                                           "pr_merged": ["cleo", "dan"]}


def test_a_server_that_does_not_list_reviewers_says_nothing_about_them():
    acts = gm.mr_activities("acme/ledger", "gitlab.example.org", mr(), [], None, START)
    assert all("requested_reviewers" not in a.extra for a in acts)
