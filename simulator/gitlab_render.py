"""Model objects -> GitLab v4 JSON, shaped like gitlab.com responses.

``api`` is ``http://HOST:PORT/api/v4``; ``web`` is the host root, used for every ``web_url`` (served by
the simulator's HTML pages).  A note's evidence URL is ``<MR or issue web_url>#note_<id>``.
Embedded users are GitLab's basic user entity (no ``bot`` key); ``/users`` adds ``bot``.
"""

from __future__ import annotations

from typing import Any

from leadsig.simulator.model import Comment, Commit, Issue, Person, PullRequest, Repo, iso_ms, iso_offset
from leadsig.simulator.org import Org

STATE = {"open": "opened", "closed": "closed", "merged": "merged"}


def _git_date(dt: object, offset: int) -> str:
    """GitLab commit dates keep the author's offset and show milliseconds: 2025-01-02T10:00:00.000+01:00."""
    text = iso_offset(dt, offset)  # type: ignore[arg-type]
    return text[:19] + ".000" + text[19:]


def user(p: Person | None, web: str) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "id": p.gl_id,
        "username": p.gl_username,
        "name": p.name,
        "state": "active",
        "locked": False,
        "avatar_url": f"{web}/uploads/-/system/user/avatar/{p.gl_id}/avatar.png",
        "web_url": f"{web}/{p.gl_username}",
    }


def full_user(p: Person, web: str) -> dict[str, Any]:
    out = user(p, web) or {}
    out.update(
        {
            "bot": p.is_bot,
            "created_at": iso_ms(p.start_date),
            "bio": "",
            "location": p.region,
            "public_email": None,
            "job_title": "" if p.is_bot else f"{p.level} engineer",
            "pronouns": None,
            "organization": "Acme",
            "local_time": None,
            "work_information": None,
        }
    )
    return out


def group_json(org: Org, full_path: str, gid: int, web: str) -> dict[str, Any]:
    parent = full_path.rsplit("/", 1)[0] if "/" in full_path else None
    name = full_path.rsplit("/", 1)[-1]
    return {
        "id": gid,
        "web_url": f"{web}/groups/{full_path}",
        "name": name.title(),
        "path": name,
        "description": f"{name} (simulated)",
        "visibility": "public",
        "share_with_group_lock": False,
        "require_two_factor_authentication": False,
        "project_creation_level": "developer",
        "subgroup_creation_level": "maintainer",
        "lfs_enabled": True,
        "default_branch": None,
        "request_access_enabled": True,
        "full_name": " / ".join(s.title() for s in full_path.split("/")),
        "full_path": full_path,
        "created_at": "2015-01-01T00:00:00.000Z",
        "parent_id": org.gitlab_groups[parent] if parent else None,
        "avatar_url": None,
    }


def project_json(org: Org, r: Repo, api: str, web: str) -> dict[str, Any]:
    ns_path = r.owner
    u = f"{api}/projects/{r.id}"
    last = max([pr.updated_at for pr in org.pulls.get(r.full_name, [])] + [r.created_at])
    return {
        "id": r.id,
        "description": r.description,
        "name": r.name,
        "name_with_namespace": " / ".join(s.title() for s in ns_path.split("/")) + f" / {r.name}",
        "path": r.name,
        "path_with_namespace": r.full_name,
        "created_at": iso_ms(r.created_at),
        "default_branch": r.default_branch,
        "tag_list": [r.team],
        "topics": [r.team],
        "ssh_url_to_repo": f"git@{web.split('://')[-1]}:{r.full_name}.git",
        "http_url_to_repo": f"{web}/{r.full_name}.git",
        "web_url": f"{web}/{r.full_name}",
        "readme_url": f"{web}/{r.full_name}/-/blob/main/README.md",
        "avatar_url": None,
        "forks_count": 0,
        "star_count": 2,
        "last_activity_at": iso_ms(last),
        "namespace": {
            "id": r.namespace_id,
            "name": ns_path.rsplit("/", 1)[-1].title(),
            "path": ns_path.rsplit("/", 1)[-1],
            "kind": "group",
            "full_path": ns_path,
            "parent_id": org.gitlab_groups.get(ns_path.rsplit("/", 1)[0]) if "/" in ns_path else None,
            "avatar_url": None,
            "web_url": f"{web}/groups/{ns_path}",
        },
        "_links": {
            "self": u,
            "issues": f"{u}/issues",
            "merge_requests": f"{u}/merge_requests",
            "repo_branches": f"{u}/repository/branches",
            "labels": f"{u}/labels",
            "events": f"{u}/events",
            "members": f"{u}/members",
            "cluster_agents": f"{u}/cluster_agents",
        },
        "archived": False,
        "visibility": "public",
        "issues_enabled": True,
        "merge_requests_enabled": True,
        "empty_repo": False,
        "open_issues_count": sum(1 for i in org.issues.get(r.full_name, []) if i.state == "open"),
    }


def _web_item(item: PullRequest | Issue, web: str) -> str:
    kind = "merge_requests" if isinstance(item, PullRequest) else "issues"
    return f"{web}/{item.repo}/-/{kind}/{item.number}"


def _mr_head(pr: PullRequest, project_id: int) -> dict[str, Any]:
    """The fields GitLab repeats at the top of every merge-request shaped answer (MR, approvals)."""
    return {
        "id": pr.id,
        "iid": pr.number,
        "project_id": project_id,
        "title": pr.title,
        "description": pr.body,
        "state": STATE[pr.state],
        "created_at": iso_ms(pr.created_at),
        "updated_at": iso_ms(pr.updated_at),
    }


def mr_json(org: Org, pr: PullRequest, web: str, full: bool = False) -> dict[str, Any]:
    r = org.repo(pr.repo)
    merged = pr.merged_at is not None
    closed_by = pr.merged_by if merged else (pr.author if pr.closed_at else None)
    out: dict[str, Any] = {
        **_mr_head(pr, r.id),
        "merged_by": user(pr.merged_by, web),
        "merge_user": user(pr.merged_by, web),
        "merged_at": iso_ms(pr.merged_at) if pr.merged_at else None,
        "closed_by": None if merged else user(closed_by, web),
        "closed_at": iso_ms(pr.closed_at) if pr.closed_at and not merged else None,
        "target_branch": r.default_branch,
        "source_branch": pr.head_ref,
        "user_notes_count": sum(1 for c in pr.comments if c.kind != "system"),
        "upvotes": 0,
        "downvotes": 0,
        "author": user(pr.author, web),
        "assignees": [],
        "assignee": None,
        "reviewers": [user(p, web) for p in pr.requested_reviewers],
        "source_project_id": r.id,
        "target_project_id": r.id,
        "labels": list(pr.labels),
        "draft": False,
        "work_in_progress": False,
        "milestone": None,
        "merge_when_pipeline_succeeds": False,
        "merge_status": "can_be_merged",
        "detailed_merge_status": "mergeable" if pr.state == "open" else "not_open",
        "sha": pr.head_sha,
        "merge_commit_sha": pr.head_sha if merged else None,
        "squash_commit_sha": None,
        "discussion_locked": None,
        "should_remove_source_branch": None,
        "force_remove_source_branch": True,
        "prepared_at": iso_ms(pr.created_at),
        "reference": f"!{pr.number}",
        "references": {"short": f"!{pr.number}", "relative": f"!{pr.number}", "full": f"{pr.repo}!{pr.number}"},
        "web_url": _web_item(pr, web),
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "squash": False,
        "squash_on_merge": False,
        "task_completion_status": {"count": 0, "completed_count": 0},
        "has_conflicts": False,
        "blocking_discussions_resolved": True,
    }
    if full:
        files = [f for sha in pr.commits for f in org.commit(pr.repo, sha).files]
        out.update(
            {
                "subscribed": False,
                "changes_count": str(len({f.filename for f in files})),
                "latest_build_started_at": None,
                "latest_build_finished_at": None,
                "first_deployed_to_production_at": None,
                "pipeline": None,
                "head_pipeline": None,
                "diff_refs": {"base_sha": pr.commits[0], "head_sha": pr.head_sha, "start_sha": pr.commits[0]},
                "merge_error": None,
                "first_contribution": False,
                "user": {"can_merge": False},
            }
        )
    return out


def note_json(org: Org, c: Comment, web: str) -> dict[str, Any]:
    r = org.repo(c.repo)
    parent: PullRequest | Issue = org.pull(c.repo, c.number) if c.parent_type == "pull" else org.issue(c.repo, c.number)
    diff = c.kind == "review_comment"
    out: dict[str, Any] = {
        "id": c.id,
        "type": "DiffNote" if diff else None,
        "body": c.body,
        "attachment": None,
        "author": user(c.author, web),
        "created_at": iso_ms(c.created_at),
        "updated_at": iso_ms(c.updated_at),
        "system": c.kind == "system",
        "noteable_id": parent.id,
        "noteable_type": "MergeRequest" if c.parent_type == "pull" else "Issue",
        "project_id": r.id,
        "commit_id": None,
        "resolvable": diff,
        "confidential": False,
        "internal": False,
        "imported": False,
        "imported_from": "none",
        "noteable_iid": c.number,
        "commands_changes": {},
    }
    if diff:
        head = c.commit_id or ""
        out["position"] = {
            "base_sha": head[::-1],
            "start_sha": head[::-1],
            "head_sha": head,
            "old_path": c.path,
            "new_path": c.path,
            "position_type": "text",
            "old_line": None,
            "new_line": c.line,
            "line_range": None,
        }
        out["resolved"] = c.resolved
        out["resolved_by"] = None
        out["resolved_at"] = None
    return out


def discussions_json(org: Org, comments: list[Comment], web: str) -> list[dict[str, Any]]:
    """Group notes into discussions (first-note order); a lone non-diff note is an ``individual_note``."""
    groups: dict[str, list[Comment]] = {}
    for c in sorted(comments, key=lambda c: (c.created_at, c.id)):
        groups.setdefault(c.discussion_id or str(c.id), []).append(c)
    out = []
    for did, notes in groups.items():
        individual = len(notes) == 1 and notes[0].kind != "review_comment"
        rendered = [note_json(org, n, web) for n in notes]
        if not individual:
            for n in rendered:
                if n["type"] is None:
                    n["type"] = "DiscussionNote"
        out.append({"id": did, "individual_note": individual, "notes": rendered})
    return out


def approvals_json(org: Org, pr: PullRequest, web: str) -> dict[str, Any]:
    return {
        **_mr_head(pr, org.repo(pr.repo).id),
        "merge_status": "can_be_merged",
        "approved": bool(pr.approvals),
        "approvals_required": 1,
        "approvals_left": 0 if pr.approvals else 1,
        "require_password_to_approve": False,
        "approved_by": [{"user": user(a.user, web)} for a in pr.approvals],
        "suggested_approvers": [],
        "approvers": [],
        "approver_groups": [],
        "user_has_approved": False,
        "user_can_approve": False,
        "approval_rules_left": [],
        "has_approval_rules": False,
        "merge_request_approvers_available": False,
        "multiple_approval_rules_available": False,
        "invalid_approvers_rules": [],
    }


def issue_json(org: Org, it: Issue, web: str) -> dict[str, Any]:
    r = org.repo(it.repo)
    return {
        "id": it.id,
        "iid": it.number,
        "project_id": r.id,
        "title": it.title,
        "description": it.body,
        "state": STATE[it.state],
        "created_at": iso_ms(it.created_at),
        "updated_at": iso_ms(it.updated_at),
        "closed_at": iso_ms(it.closed_at) if it.closed_at else None,
        "closed_by": user(it.closed_by, web),
        "labels": list(it.labels),
        "milestone": None,
        "assignees": [],
        "author": user(it.author, web),
        "type": "ISSUE",
        "assignee": None,
        "user_notes_count": sum(1 for c in it.comments if c.kind != "system"),
        "merge_requests_count": 0,
        "upvotes": 0,
        "downvotes": 0,
        "due_date": None,
        "confidential": False,
        "discussion_locked": None,
        "issue_type": "issue",
        "web_url": _web_item(it, web),
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "task_completion_status": {"count": 0, "completed_count": 0},
        "has_tasks": False,
        "references": {"short": f"#{it.number}", "relative": f"#{it.number}", "full": f"{it.repo}#{it.number}"},
        "severity": "UNKNOWN",
        "moved_to_id": None,
        "service_desk_reply_to": None,
    }


def commit_json(org: Org, c: Commit, web: str, stats: bool = False) -> dict[str, Any]:
    title = c.message.splitlines()[0] if c.message else ""
    out: dict[str, Any] = {
        "id": c.sha,
        "short_id": c.sha[:8],
        "created_at": _git_date(c.committed_at, c.offset_minutes),
        "parent_ids": list(c.parents),
        "title": title,
        "message": c.message,
        "author_name": c.author_name,
        "author_email": c.author_email,
        "authored_date": _git_date(c.authored_at, c.offset_minutes),
        "committer_name": c.author_name,
        "committer_email": c.author_email,
        "committed_date": _git_date(c.committed_at, c.offset_minutes),
        "trailers": {},
        "extended_trailers": {},
        "web_url": f"{web}/{c.repo}/-/commit/{c.sha}",
    }
    if stats:
        adds, dels = sum(f.additions for f in c.files), sum(f.deletions for f in c.files)
        out["stats"] = {"additions": adds, "deletions": dels, "total": adds + dels}
    return out


def diff_json(c: Commit) -> list[dict[str, Any]]:
    """One entry per file; the diff text has exactly ``additions`` + and ``deletions`` - lines."""
    out = []
    for f in c.files:
        lines = [f"@@ -1,{f.deletions} +1,{f.additions} @@"]
        lines += [f"-old line {i}" for i in range(f.deletions)] + [f"+new line {i}" for i in range(f.additions)]
        out.append(
            {
                "diff": "\n".join(lines) + "\n",
                "new_path": f.filename,
                "old_path": f.filename,
                "a_mode": "0" if f.status == "added" else "100644",
                "b_mode": "100644",
                "new_file": f.status == "added",
                "renamed_file": False,
                "deleted_file": f.status == "removed",
                "generated_file": False,
            }
        )
    return out
