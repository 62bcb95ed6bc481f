"""GitLab GraphQL answers in the shapes the REST path hands to gitlab_map (real GitLab's global ids and fields)."""

from __future__ import annotations

from leadsig.miners import gitlab_graphql as glq
from leadsig.miners import gitlab_map as gm

USER = {"id": "gid://gitlab/User/42", "username": "ana", "name": "Ana", "bot": False}


def note(gid: str, **more: object) -> dict:
    return {"id": gid, "body": "looks good", "system": False, "createdAt": "2025-03-01T10:00:00Z",
            "updatedAt": "2025-03-01T10:05:00Z", "author": USER, "resolvable": True, "resolved": False,
            "position": None, **more}


def test_a_note_keeps_its_numeric_id_and_its_rest_type_from_the_global_id():
    diff = glq.rest_note(note("gid://gitlab/DiffNote/7", position={"newPath": "a.py", "oldPath": "a.py",
                                                                   "newLine": 3, "oldLine": None}))
    thread = glq.rest_note(note("gid://gitlab/DiscussionNote/8"))
    plain = glq.rest_note(note("gid://gitlab/Note/9"))
    assert (diff["id"], diff["type"], thread["type"], plain["type"]) == (7, "DiffNote", "DiscussionNote", None)
    assert diff["position"] == {"new_path": "a.py", "old_path": "a.py", "new_line": 3, "old_line": None}
    assert gm.is_diff_note(diff) and not gm.is_diff_note(thread) and "position" not in plain
    assert diff["author"] == {"id": 42, "username": "ana", "name": "Ana", "bot": False}


def test_an_mr_reads_as_the_rest_listing_gives_it():
    node = {"iid": "12", "title": "Add cache", "description": "why", "state": "merged", "draft": False,
            "createdAt": "2025-03-01T09:00:00Z", "updatedAt": "2025-03-02T09:00:00Z",
            "mergedAt": "2025-03-02T08:00:00Z", "webUrl": "https://gl.example/acme/x/-/merge_requests/12",
            "userNotesCount": 2, "author": USER, "mergeUser": {**USER, "id": "gid://gitlab/User/5"},
            "labels": {"nodes": [{"title": "perf"}]}, "reviewers": {"nodes": [USER]}}
    mr = glq.rest_mr(node)
    assert (mr["iid"], mr["merge_user"]["id"], mr["labels"], mr["reviewers"][0]["username"]) == (12, 5, ["perf"], "ana")
    acts = gm.mr_activities("acme/x", "gl.example", mr, [], None, gm.parse_ts("2000-01-01T00:00:00Z"))
    assert [a.kind for a in acts] == ["pr_opened", "pr_merged"]
    assert acts[1].actor_login == "ana" and acts[0].extra["requested_reviewers"] == ["ana"]
