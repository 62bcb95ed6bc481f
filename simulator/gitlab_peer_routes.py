"""GitLab v4 routes the miner does not use but peers do (Perceval's GitLab backend, for the side-by-side
benchmark): award emoji of issues, merge requests and their notes (the org model has none: empty
listings), and a merge request's diff versions (one per MR: its head)."""

from __future__ import annotations

from typing import Any

from leadsig.simulator.gitlab_routes import P, _issue, _mr, listing
from leadsig.simulator.http import NotFound, Request, Response, Router
from leadsig.simulator.model import PullRequest, iso_ms
from leadsig.simulator.org import Org

VERSION_ID_BASE = 8_000_000


def _no_emoji(req: Request) -> Response:
    return listing(req, [], lambda x: x)


def issue_emoji(org: Org, req: Request, pid: str, iid: str, note_id: str | None = None) -> Response:
    issue = _issue(org, pid, iid)
    if note_id is not None and not any(str(c.id) == note_id for c in issue.comments):
        raise NotFound(note_id)
    return _no_emoji(req)


def mr_emoji(org: Org, req: Request, pid: str, iid: str, note_id: str | None = None) -> Response:
    pr = _mr(org, pid, iid)
    if note_id is not None and not any(str(c.id) == note_id for c in pr.comments):
        raise NotFound(note_id)
    return _no_emoji(req)


def _version(org: Org, pr: PullRequest, full: bool) -> dict[str, Any]:
    first = org.commit(pr.repo, pr.commits[0]) if pr.commits else None
    base = first.parents[0] if first is not None and first.parents else pr.head_sha
    out: dict[str, Any] = {
        "id": VERSION_ID_BASE + pr.id,
        "head_commit_sha": pr.head_sha,
        "base_commit_sha": base,
        "start_commit_sha": base,
        "created_at": iso_ms(pr.created_at),
        "merge_request_id": pr.id,
        "state": "collected",
        "real_size": str(len(pr.commits)),
        "patch_id_sha": pr.head_sha,
    }
    if full:
        out["commits"] = [{"id": sha, "short_id": sha[:8]} for sha in reversed(pr.commits)]
        out["diffs"] = []
    return out


def mr_versions(org: Org, req: Request, pid: str, iid: str) -> Response:
    pr = _mr(org, pid, iid)
    return listing(req, [pr], lambda p: _version(org, p, False))


def mr_version(org: Org, req: Request, pid: str, iid: str, version_id: str) -> Response:
    pr = _mr(org, pid, iid)
    if version_id != str(VERSION_ID_BASE + pr.id):
        raise NotFound(version_id)
    return Response(200, _version(org, pr, True))


def register(router: Router) -> None:
    issue = f"{P}/projects/{{pid}}/issues/{{iid}}"
    mr = f"{P}/projects/{{pid}}/merge_requests/{{iid}}"
    for template, handler in [
        (f"{issue}/award_emoji", issue_emoji),
        (f"{issue}/notes/{{note_id}}/award_emoji", issue_emoji),
        (f"{mr}/award_emoji", mr_emoji),
        (f"{mr}/notes/{{note_id}}/award_emoji", mr_emoji),
        (f"{mr}/versions", mr_versions),
        (f"{mr}/versions/{{version_id}}", mr_version),
    ]:
        router.add("GET", template, handler)
