"""Model objects -> GitHub REST v3 JSON, field for field as api.github.com shapes them.

``api`` is the API base (``http://127.0.0.1:PORT`` or ``.../api/v3``), ``web`` the host root used in
``html_url`` so every evidence link is served by the simulator's HTML pages.
"""

from __future__ import annotations

from typing import Any

from leadsig.simulator.github_accounts import node_id, owner_json, user
from leadsig.simulator.model import Comment, Commit, Issue, PullRequest, Repo, Review, iso_offset, iso_z
from leadsig.simulator.org import Org

LABEL_COLORS = {"bug": "d73a4a", "documentation": "0075ca", "enhancement": "a2eeef", "dependencies": "0366d6"}
PR_ISSUE_ID_OFFSET = 250_000_000  # a PR's issue id differs from its pull id, as on GitHub
LABEL_DESCRIPTIONS = {  # GitHub's default labels come with these; the spec requires a string
    "bug": "Something isn't working",
    "documentation": "Improvements or additions to documentation",
    "enhancement": "New feature or request",
    "dependencies": "Pull requests that update a dependency file",
}


def repo_json(org: Org, r: Repo, api: str, web: str) -> dict[str, Any]:
    u = f"{api}/repos/{r.full_name}"
    last = max([pr.updated_at for pr in org.pulls.get(r.full_name, [])] + [r.created_at])
    host = web.split("://")[-1]
    templated = repo_url_templates(u)
    return {
        "id": r.id,
        "node_id": node_id("Repository", r.id),
        "name": r.name,
        "full_name": r.full_name,
        "private": False,
        "owner": owner_json(org, api, web),
        "html_url": f"{web}/{r.full_name}",
        "description": r.description,
        "fork": False,
        "url": u,
        **templated,
        "created_at": iso_z(r.created_at),
        "updated_at": iso_z(last),
        "pushed_at": iso_z(last),
        "git_url": f"git://{host}/{r.full_name}.git",
        "ssh_url": f"git@{host.split(':')[0]}:{r.full_name}.git",
        "clone_url": f"{web}/{r.full_name}.git",
        "svn_url": f"{web}/{r.full_name}",
        "homepage": None,
        "size": 1024,
        "stargazers_count": 3,
        "watchers_count": 3,
        "language": "Python",
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "forks_count": 0,
        "mirror_url": None,
        "archived": False,
        "disabled": False,
        "open_issues_count": sum(1 for i in org.issues.get(r.full_name, []) if i.state == "open"),
        "license": None,
        "allow_forking": True,
        "is_template": False,
        "topics": [r.team],
        "visibility": "public",
        "forks": 0,
        "open_issues": 0,
        "watchers": 3,
        "default_branch": r.default_branch,
        "network_count": 0,
        "subscribers_count": 3,
        "permissions": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
    }


def repo_url_templates(u: str) -> dict[str, str]:
    """A repository's ``*_url`` fields, in api.github.com's order; RFC 6570 templates as GitHub writes them."""
    return {
        "forks_url": f"{u}/forks",
        "keys_url": f"{u}/keys{{/key_id}}",
        "collaborators_url": f"{u}/collaborators{{/collaborator}}",
        "teams_url": f"{u}/teams",
        "hooks_url": f"{u}/hooks",
        "issue_events_url": f"{u}/issues/events{{/number}}",
        "events_url": f"{u}/events",
        "assignees_url": f"{u}/assignees{{/user}}",
        "branches_url": f"{u}/branches{{/branch}}",
        "tags_url": f"{u}/tags",
        "blobs_url": f"{u}/git/blobs{{/sha}}",
        "git_tags_url": f"{u}/git/tags{{/sha}}",
        "git_refs_url": f"{u}/git/refs{{/sha}}",
        "trees_url": f"{u}/git/trees{{/sha}}",
        "statuses_url": f"{u}/statuses/{{sha}}",
        "languages_url": f"{u}/languages",
        "stargazers_url": f"{u}/stargazers",
        "contributors_url": f"{u}/contributors",
        "subscribers_url": f"{u}/subscribers",
        "subscription_url": f"{u}/subscription",
        "commits_url": f"{u}/commits{{/sha}}",
        "git_commits_url": f"{u}/git/commits{{/sha}}",
        "comments_url": f"{u}/comments{{/number}}",
        "issue_comment_url": f"{u}/issues/comments{{/number}}",
        "contents_url": f"{u}/contents/{{+path}}",
        "compare_url": f"{u}/compare/{{base}}...{{head}}",
        "merges_url": f"{u}/merges",
        "archive_url": f"{u}/{{archive_format}}{{/ref}}",
        "downloads_url": f"{u}/downloads",
        "issues_url": f"{u}/issues{{/number}}",
        "pulls_url": f"{u}/pulls{{/number}}",
        "milestones_url": f"{u}/milestones{{/number}}",
        "notifications_url": f"{u}/notifications{{?since,all,participating}}",
        "labels_url": f"{u}/labels{{/name}}",
        "releases_url": f"{u}/releases{{/id}}",
        "deployments_url": f"{u}/deployments",
    }


def labels_json(names: list[str], api: str, repo: str) -> list[dict[str, Any]]:
    return [
        {
            "id": 7000 + sum(map(ord, n)),
            "node_id": node_id("Label", n),
            "url": f"{api}/repos/{repo}/labels/{n}",
            "name": n,
            "color": LABEL_COLORS.get(n, "ededed"),
            "default": n in LABEL_COLORS,
            "description": LABEL_DESCRIPTIONS.get(n, ""),
        }
        for n in names
    ]


def _ref(org: Org, pr: PullRequest, api: str, web: str, base: bool) -> dict[str, Any]:
    r = org.repo(pr.repo)
    ref = r.default_branch if base else pr.head_ref
    return {
        "label": f"{org.github_org}:{ref}",
        "ref": ref,
        "sha": pr.commits[0] if base and pr.commits else pr.head_sha,
        "user": owner_json(org, api, web),
        "repo": repo_json(org, r, api, web),
    }


def pull_json(org: Org, pr: PullRequest, api: str, web: str, full: bool = False) -> dict[str, Any]:
    u = f"{api}/repos/{pr.repo}/pulls/{pr.number}"
    html = f"{web}/{pr.repo}/pull/{pr.number}"
    issue = f"{api}/repos/{pr.repo}/issues/{pr.number}"
    out: dict[str, Any] = {
        "url": u,
        "id": pr.id,
        "node_id": node_id("PullRequest", pr.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "number": pr.number,
        "state": "open" if pr.state == "open" else "closed",
        "locked": False,
        "title": pr.title,
        "user": user(pr.author, api, web),
        "body": pr.body or None,
        "labels": labels_json(pr.labels, api, pr.repo),
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iso_z(pr.created_at),
        "updated_at": iso_z(pr.updated_at),
        "closed_at": iso_z(pr.closed_at) if pr.closed_at else None,
        "merged_at": iso_z(pr.merged_at) if pr.merged_at else None,
        "merge_commit_sha": pr.head_sha if pr.merged_at else None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [user(p, api, web) for p in pr.requested_reviewers],
        "requested_teams": [],
        "head": _ref(org, pr, api, web, False),
        "base": _ref(org, pr, api, web, True),
        "_links": {
            "self": {"href": u},
            "html": {"href": html},
            "issue": {"href": issue},
            "comments": {"href": f"{issue}/comments"},
            "review_comments": {"href": f"{u}/comments"},
            "review_comment": {"href": f"{api}/repos/{pr.repo}/pulls/comments{{/number}}"},
            "commits": {"href": f"{u}/commits"},
            "statuses": {"href": f"{api}/repos/{pr.repo}/statuses/{pr.head_sha}"},
        },
        "author_association": "MEMBER",
        "auto_merge": None,
        "draft": False,
        "commits_url": f"{u}/commits",
        "review_comments_url": f"{u}/comments",
        "review_comment_url": f"{api}/repos/{pr.repo}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": f"{api}/repos/{pr.repo}/statuses/{pr.head_sha}",
    }
    if full:
        files = [f for sha in pr.commits for f in org.commit(pr.repo, sha).files]
        out.update(
            {
                "merged": pr.merged_at is not None,
                "mergeable": None if pr.state != "open" else True,
                "rebaseable": None,
                "mergeable_state": "unknown",
                "merged_by": user(pr.merged_by, api, web),
                "comments": sum(1 for c in pr.comments if c.kind == "conversation"),
                "review_comments": sum(1 for c in pr.comments if c.kind == "review_comment"),
                "maintainer_can_modify": False,
                "commits": len(pr.commits),
                "additions": sum(f.additions for f in files),
                "deletions": sum(f.deletions for f in files),
                "changed_files": len({f.filename for f in files}),
            }
        )
    return out


def reactions(url: str) -> dict[str, Any]:
    """GitHub's reaction rollup; the org model has no reactions, so every count is 0."""
    return {"url": f"{url}/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0,
            "confused": 0, "heart": 0, "rocket": 0, "eyes": 0}


def review_json(rv: Review, api: str, web: str) -> dict[str, Any]:
    html = f"{web}/{rv.repo}/pull/{rv.number}#pullrequestreview-{rv.id}"
    pr_url = f"{api}/repos/{rv.repo}/pulls/{rv.number}"
    return {
        "id": rv.id,
        "node_id": node_id("PullRequestReview", rv.id),
        "user": user(rv.author, api, web),
        "body": rv.body,
        "state": rv.state,
        "html_url": html,
        "pull_request_url": pr_url,
        "author_association": "MEMBER",
        "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        "submitted_at": iso_z(rv.submitted_at),
        "commit_id": rv.commit_id,
    }


def review_comment_json(c: Comment, api: str, web: str) -> dict[str, Any]:
    u = f"{api}/repos/{c.repo}/pulls/comments/{c.id}"
    html = f"{web}/{c.repo}/pull/{c.number}#discussion_r{c.id}"
    pr_url = f"{api}/repos/{c.repo}/pulls/{c.number}"
    out: dict[str, Any] = {
        "url": u,
        "pull_request_review_id": c.review_id,
        "id": c.id,
        "node_id": node_id("PullRequestReviewComment", c.id),
        "diff_hunk": c.diff_hunk,
        "path": c.path,
        "position": 4,
        "original_position": 4,
        "commit_id": c.commit_id,
        "original_commit_id": c.commit_id,
        "user": user(c.author, api, web),
        "body": c.body,
        "created_at": iso_z(c.created_at),
        "updated_at": iso_z(c.updated_at),
        "html_url": html,
        "pull_request_url": pr_url,
        "author_association": "MEMBER",
        "reactions": reactions(u),
        "_links": {"self": {"href": u}, "html": {"href": html}, "pull_request": {"href": pr_url}},
        "start_line": None,
        "original_start_line": None,
        "start_side": None,
        "line": c.line,
        "original_line": c.line,
        "side": "RIGHT",
        "subject_type": "line",
    }
    if c.in_reply_to_id is not None:  # GitHub omits the key on thread starters
        out["in_reply_to_id"] = c.in_reply_to_id
    return out


def issue_comment_json(c: Comment, api: str, web: str) -> dict[str, Any]:
    kind = "pull" if c.parent_type == "pull" else "issues"
    return {
        "url": f"{api}/repos/{c.repo}/issues/comments/{c.id}",
        "html_url": f"{web}/{c.repo}/{kind}/{c.number}#issuecomment-{c.id}",
        "issue_url": f"{api}/repos/{c.repo}/issues/{c.number}",
        "id": c.id,
        "node_id": node_id("IssueComment", c.id),
        "user": user(c.author, api, web),
        "created_at": iso_z(c.created_at),
        "updated_at": iso_z(c.updated_at),
        "author_association": "MEMBER",
        "reactions": reactions(f"{api}/repos/{c.repo}/issues/comments/{c.id}"),
        "body": c.body,
        "performed_via_github_app": None,
    }


def issue_json(item: Issue | PullRequest, api: str, web: str, full: bool = False) -> dict[str, Any]:
    """An issue, or a PR seen through the issues API (with the ``pull_request`` key)."""
    is_pr = isinstance(item, PullRequest)
    u = f"{api}/repos/{item.repo}/issues/{item.number}"
    html = f"{web}/{item.repo}/{'pull' if is_pr else 'issues'}/{item.number}"
    ident = item.id + PR_ISSUE_ID_OFFSET if is_pr else item.id
    closed_at = item.closed_at
    out: dict[str, Any] = {
        "url": u,
        "repository_url": f"{api}/repos/{item.repo}",
        "labels_url": f"{u}/labels{{/name}}",
        "comments_url": f"{u}/comments",
        "events_url": f"{u}/events",
        "html_url": html,
        "id": ident,
        "node_id": node_id("Issue", ident),
        "number": item.number,
        "title": item.title,
        "user": user(item.author, api, web),
        "labels": labels_json(item.labels, api, item.repo),
        "state": "open" if item.state == "open" else "closed",
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": sum(1 for c in item.comments if c.kind == "conversation"),
        "created_at": iso_z(item.created_at),
        "updated_at": iso_z(item.updated_at),
        "closed_at": iso_z(closed_at) if closed_at else None,
        "author_association": "MEMBER",
        "reactions": reactions(u),
        "active_lock_reason": None,
        "body": item.body or None,
        "state_reason": ("completed" if item.state != "open" else None),
        "performed_via_github_app": None,
        "timeline_url": f"{u}/timeline",
    }
    if is_pr:
        assert isinstance(item, PullRequest)
        out["draft"] = False
        out["pull_request"] = {
            "url": f"{api}/repos/{item.repo}/pulls/{item.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": iso_z(item.merged_at) if item.merged_at else None,
        }
    if full:
        closer = item.merged_by if is_pr else item.closed_by  # type: ignore[union-attr]
        out["closed_by"] = user(closer, api, web) if closed_at else None
    return out


def commit_json(org: Org, c: Commit, api: str, web: str, full: bool = False) -> dict[str, Any]:
    u = f"{api}/repos/{c.repo}/commits/{c.sha}"
    gh_user = user(c.author, api, web) if c.linked else None
    out: dict[str, Any] = {
        "sha": c.sha,
        "node_id": node_id("Commit", c.sha),
        "commit": {
            "author": {
                "name": c.author_name,
                "email": c.author_email,
                "date": iso_offset(c.authored_at, c.offset_minutes),
            },
            "committer": {
                "name": c.author_name,
                "email": c.author_email,
                "date": iso_offset(c.committed_at, c.offset_minutes),
            },
            "message": c.message,
            "tree": {"sha": c.sha[::-1], "url": f"{api}/repos/{c.repo}/git/trees/{c.sha[::-1]}"},
            "url": f"{api}/repos/{c.repo}/git/commits/{c.sha}",
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        },
        "url": u,
        "html_url": f"{web}/{c.repo}/commit/{c.sha}",
        "comments_url": f"{u}/comments",
        "author": gh_user,
        "committer": gh_user,
        "parents": [
            {"sha": p, "url": f"{api}/repos/{c.repo}/commits/{p}", "html_url": f"{web}/{c.repo}/commit/{p}"}
            for p in c.parents
        ],
    }
    if full:
        adds, dels = sum(f.additions for f in c.files), sum(f.deletions for f in c.files)
        out["stats"] = {"total": adds + dels, "additions": adds, "deletions": dels}
        out["files"] = [
            {
                "sha": c.sha[:20] + f"{i:020x}",
                "filename": f.filename,
                "status": f.status,
                "additions": f.additions,
                "deletions": f.deletions,
                "changes": f.changes,
                "blob_url": f"{web}/{c.repo}/blob/{c.sha}/{f.filename}",
                "raw_url": f"{web}/{c.repo}/raw/{c.sha}/{f.filename}",
                "contents_url": f"{api}/repos/{c.repo}/contents/{f.filename}?ref={c.sha}",
                "patch": f"@@ -1,{f.deletions} +1,{f.additions} @@",
            }
            for i, f in enumerate(c.files)
        ]
    return out
