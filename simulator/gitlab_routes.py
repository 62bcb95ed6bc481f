"""GitLab v4 routes the miners use (through python-gitlab), under ``/api/v4``.

Projects and groups resolve by numeric id or URL-encoded full path (python-gitlab sends
``projects/acme%2Fplatform%2Fledger`` once, then the numeric id).  Listings use offset pagination by
default (20 per page, at most 100) and keyset pagination when ``pagination=keyset`` is asked for
(ordered by id, ``id_after``/``id_before`` in the next Link; no totals, as GitLab does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from leadsig.simulator import gitlab_render as glr
from leadsig.simulator.http import BadRequest, NotFound, Request, Response, Router
from leadsig.simulator.model import GITLAB, Comment, Issue, PullRequest, Repo
from leadsig.simulator.org import Org
from leadsig.simulator.pagination import gitlab_headers, paginate

P = "/api/v4"


def _web(req: Request) -> str:
    return req.host_url


def listing(req: Request, items: Sequence[Any], render: Callable[[Any], Any]) -> Response:
    """Offset or keyset pagination, then render only the page."""
    if req.arg("pagination") == "keyset":
        return _keyset(req, items, render)
    p = paginate(items, req, default=20)
    return Response(200, [render(x) for x in p.items], gitlab_headers(req, p))


def _keyset(req: Request, items: Sequence[Any], render: Callable[[Any], Any]) -> Response:
    desc = req.arg("sort", "asc") == "desc"
    ordered = sorted(items, key=lambda x: x.id, reverse=desc)
    after, before = req.arg("id_after"), req.arg("id_before")
    if after:
        ordered = [x for x in ordered if x.id > int(after)]
    if before:
        ordered = [x for x in ordered if x.id < int(before)]
    per_page = min(max(int(req.arg("per_page", "20") or 20), 1), 100)
    page, more = ordered[:per_page], len(ordered) > per_page
    headers = {"X-Per-Page": str(per_page)}
    if more:
        query = {k: v for k, v in req.query.items() if k not in ("id_after", "id_before")}
        query["id_before" if desc else "id_after"] = str(page[-1].id)
        headers["Link"] = f'<{req.host_url}{req.raw_path}?{urlencode(query)}>; rel="next"'
    return Response(200, [render(x) for x in page], headers)


def _project(org: Org, ident: str) -> Repo:
    for r in org.repos_of(GITLAB):
        if str(r.id) == ident or r.full_name == ident:
            return r
    raise NotFound(ident)


def _group(org: Org, ident: str) -> tuple[str, int]:
    for path, gid in org.gitlab_groups.items():
        if str(gid) == ident or path == ident:
            return path, gid
    raise NotFound(ident)


def _mr(org: Org, ident: str, iid: str) -> PullRequest:
    r = _project(org, ident)
    try:
        return org.pull(r.full_name, int(iid))
    except (KeyError, ValueError):
        raise NotFound(iid) from None


def _issue(org: Org, ident: str, iid: str) -> Issue:
    r = _project(org, ident)
    try:
        return org.issue(r.full_name, int(iid))
    except (KeyError, ValueError):
        raise NotFound(iid) from None


def _filter_sort(req: Request, items: list[Any], default_order: str = "created_at") -> list[Any]:
    """updated_after/before, created_after/before, author_username, labels, order_by, sort (default desc)."""
    ua, ub = req.time_arg("updated_after"), req.time_arg("updated_before")
    ca, cb = req.time_arg("created_after"), req.time_arg("created_before")
    author, labels = req.arg("author_username"), [x for x in (req.arg("labels") or "").split(",") if x]
    items = [
        x
        for x in items
        if (ua is None or x.updated_at >= ua)
        and (ub is None or x.updated_at <= ub)
        and (ca is None or x.created_at >= ca)
        and (cb is None or x.created_at <= cb)
        and (not author or x.author.gl_username == author)
        and all(lbl in x.labels for lbl in labels)
    ]
    order = req.arg("order_by", default_order)
    if order not in ("created_at", "updated_at", "id", "title"):
        raise BadRequest(f"order_by does not have a valid value: {order}")
    sort = req.arg("sort", "desc")
    if sort not in ("asc", "desc"):
        raise BadRequest("sort does not have a valid value")
    key: Callable[[Any], Any] = {
        "created_at": lambda x: (x.created_at, x.id),
        "updated_at": lambda x: (x.updated_at, x.id),
        "id": lambda x: x.id,
        "title": lambda x: (x.title, x.id),
    }[order]
    return sorted(items, key=key, reverse=sort == "desc")


def _state(req: Request, items: list[Any], allowed: tuple[str, ...]) -> list[Any]:
    state = req.arg("state", "all") or "all"
    if state not in allowed:
        raise BadRequest(f"state does not have a valid value: {state}")
    return items if state == "all" else [x for x in items if glr.STATE[x.state] == state]


# ------------------------------------------------------------------ handlers
def get_user(org: Org, req: Request) -> Response:
    return Response(200, glr.full_user(org.humans()[0], _web(req)))


def list_users(org: Org, req: Request) -> Response:
    username = req.arg("username")
    people = [p for p in org.people if username is None or p.gl_username.lower() == username.lower()]
    return listing(req, people, lambda p: glr.full_user(p, _web(req)))


def get_user_by_id(org: Org, req: Request, uid: str) -> Response:
    for p in org.people:
        if str(p.gl_id) == uid:
            return Response(200, glr.full_user(p, _web(req)))
    raise NotFound(uid)


def version(org: Org, req: Request) -> Response:
    return Response(200, {"version": "17.5.0-sim", "revision": "simulated", "enterprise": False})


def get_group(org: Org, req: Request, gid: str) -> Response:
    path, ident = _group(org, gid)
    return Response(200, glr.group_json(org, path, ident, _web(req)))


def group_subgroups(org: Org, req: Request, gid: str) -> Response:
    path, _ = _group(org, gid)
    subs = [(p, i) for p, i in org.gitlab_groups.items() if p.rsplit("/", 1)[0] == path and p != path]
    return listing(req, [_Id(i, p) for p, i in subs], lambda g: glr.group_json(org, g.path, g.id, _web(req)))


def group_descendants(org: Org, req: Request, gid: str) -> Response:
    path, _ = _group(org, gid)
    subs = [(p, i) for p, i in org.gitlab_groups.items() if p.startswith(path + "/")]
    return listing(req, [_Id(i, p) for p, i in subs], lambda g: glr.group_json(org, g.path, g.id, _web(req)))


class _Id:
    """A (id, path) pair with an ``id`` attribute, so keyset pagination works on groups too."""

    def __init__(self, ident: int, path: str) -> None:
        self.id, self.path = ident, path


def group_projects(org: Org, req: Request, gid: str) -> Response:
    path, _ = _group(org, gid)
    sub = req.flag("include_subgroups")
    repos = [r for r in org.repos_of(GITLAB) if r.owner == path or (sub and r.owner.startswith(path + "/"))]
    repos.sort(key=lambda r: r.id, reverse=req.arg("sort", "desc") == "desc")
    return listing(req, repos, lambda r: glr.project_json(org, r, req.api_base + P, _web(req)))


def get_project(org: Org, req: Request, pid: str) -> Response:
    return Response(200, glr.project_json(org, _project(org, pid), req.api_base + P, _web(req)))


def list_mrs(org: Org, req: Request, pid: str) -> Response:
    r = _project(org, pid)
    items = _state(req, list(org.pulls.get(r.full_name, [])), ("opened", "closed", "merged", "locked", "all"))
    return listing(req, _filter_sort(req, items), lambda pr: glr.mr_json(org, pr, _web(req)))


def get_mr(org: Org, req: Request, pid: str, iid: str) -> Response:
    return Response(200, glr.mr_json(org, _mr(org, pid, iid), _web(req), full=True))


def _notes(req: Request, comments: list[Comment]) -> list[Comment]:
    order = req.arg("order_by", "created_at")
    if order not in ("created_at", "updated_at"):
        raise BadRequest("order_by does not have a valid value")
    key: Callable[[Comment], Any] = (
        (lambda c: (c.created_at, c.id)) if order == "created_at" else (lambda c: (c.updated_at, c.id))
    )
    return sorted(comments, key=key, reverse=req.arg("sort", "desc") == "desc")


def mr_notes(org: Org, req: Request, pid: str, iid: str) -> Response:
    pr = _mr(org, pid, iid)
    return listing(req, _notes(req, pr.comments), lambda c: glr.note_json(org, c, _web(req)))


def mr_note(org: Org, req: Request, pid: str, iid: str, note_id: str) -> Response:
    pr = _mr(org, pid, iid)
    for c in pr.comments:
        if str(c.id) == note_id:
            return Response(200, glr.note_json(org, c, _web(req)))
    raise NotFound(note_id)


def mr_discussions(org: Org, req: Request, pid: str, iid: str) -> Response:
    pr = _mr(org, pid, iid)
    p = paginate(glr.discussions_json(org, pr.comments, _web(req)), req, default=20)
    return Response(200, p.items, gitlab_headers(req, p))


def mr_approvals(org: Org, req: Request, pid: str, iid: str) -> Response:
    return Response(200, glr.approvals_json(org, _mr(org, pid, iid), _web(req)))


def list_issues(org: Org, req: Request, pid: str) -> Response:
    r = _project(org, pid)
    items = _state(req, list(org.issues.get(r.full_name, [])), ("opened", "closed", "all"))
    return listing(req, _filter_sort(req, items), lambda it: glr.issue_json(org, it, _web(req)))


def get_issue(org: Org, req: Request, pid: str, iid: str) -> Response:
    return Response(200, glr.issue_json(org, _issue(org, pid, iid), _web(req)))


def issue_notes(org: Org, req: Request, pid: str, iid: str) -> Response:
    it = _issue(org, pid, iid)
    return listing(req, _notes(req, it.comments), lambda c: glr.note_json(org, c, _web(req)))


def issue_discussions(org: Org, req: Request, pid: str, iid: str) -> Response:
    it = _issue(org, pid, iid)
    p = paginate(glr.discussions_json(org, it.comments, _web(req)), req, default=20)
    return Response(200, p.items, gitlab_headers(req, p))


def list_commits(org: Org, req: Request, pid: str) -> Response:
    r = _project(org, pid)
    ref = req.arg("ref_name") or r.default_branch
    commits = org.commits.get(r.full_name, [])
    if req.flag("all"):
        items = list(commits)
    elif ref == r.default_branch:
        items = [c for c in commits if c.branch == ref]
    elif any(c.branch == ref for c in commits):
        items = [c for c in commits if c.branch in (ref, r.default_branch)]
    else:
        raise NotFound(ref)
    since, until, path = req.time_arg("since"), req.time_arg("until"), req.arg("path")
    author = req.arg("author")
    items = [
        c
        for c in items
        if (since is None or c.committed_at >= since)
        and (until is None or c.committed_at <= until)
        and (
            not path
            or any(f.filename == path.strip("/") or f.filename.startswith(path.strip("/") + "/") for f in c.files)
        )
        and (not author or author in (c.author_name, c.author_email))
    ]
    landed = {c.sha: i for i, c in enumerate(commits)}  # git log order: the head first, then back
    items.sort(key=lambda c: landed[c.sha], reverse=True)
    stats = req.flag("with_stats")
    return listing(req, items, lambda c: glr.commit_json(org, c, _web(req), stats))


def _commit(org: Org, pid: str, sha: str) -> Any:
    r = _project(org, pid)
    try:
        return org.commit(r.full_name, sha)
    except KeyError:
        raise NotFound(sha) from None


def get_commit(org: Org, req: Request, pid: str, sha: str) -> Response:
    c = _commit(org, pid, sha)
    body = glr.commit_json(org, c, _web(req), stats=req.arg("stats", "true") != "false")
    body.update({"status": None, "project_id": _project(org, pid).id, "last_pipeline": None})
    return Response(200, body)


def compare(org: Org, req: Request, pid: str) -> Response:
    """``?from=A&to=B``: the commits B has that A has not, oldest first, in landing order (Org.compare)."""
    r = _project(org, pid)
    try:
        ahead, _behind, head = org.compare(r.full_name, r.default_branch, req.arg("from") or "", req.arg("to") or "")
    except (KeyError, ValueError):
        raise NotFound("compare") from None
    web = _web(req)
    body = {
        "commit": glr.commit_json(org, ahead[-1], web) if ahead else None,
        "commits": [glr.commit_json(org, c, web) for c in ahead],
        "diffs": [d for c in ahead for d in glr.diff_json(c)],
        "compare_timeout": False,
        "compare_same_ref": req.arg("from") == req.arg("to"),
        "web_url": f"{web}/{r.full_name}/-/compare/{req.arg('from')}...{head.sha}",
    }
    return Response(200, body)


def commit_diff(org: Org, req: Request, pid: str, sha: str) -> Response:
    c = _commit(org, pid, sha)
    p = paginate(glr.diff_json(c), req, default=20)
    return Response(200, p.items, gitlab_headers(req, p))


def register(router: Router) -> None:
    """Add every GitLab route (templates include the /api/v4 prefix)."""
    pr_ = f"{P}/projects/{{pid}}"
    mr = f"{pr_}/merge_requests/{{iid}}"
    for template, handler in [
        (f"{P}/user", get_user),
        (f"{P}/users", list_users),
        (f"{P}/users/{{uid}}", get_user_by_id),
        (f"{P}/version", version),
        (f"{P}/groups/{{gid}}", get_group),
        (f"{P}/groups/{{gid}}/projects", group_projects),
        (f"{P}/groups/{{gid}}/subgroups", group_subgroups),
        (f"{P}/groups/{{gid}}/descendant_groups", group_descendants),
        (pr_, get_project),
        (f"{pr_}/merge_requests", list_mrs),
        (mr, get_mr),
        (f"{mr}/notes", mr_notes),
        (f"{mr}/notes/{{note_id}}", mr_note),
        (f"{mr}/discussions", mr_discussions),
        (f"{mr}/approvals", mr_approvals),
        (f"{pr_}/issues", list_issues),
        (f"{pr_}/issues/{{iid}}", get_issue),
        (f"{pr_}/issues/{{iid}}/notes", issue_notes),
        (f"{pr_}/issues/{{iid}}/discussions", issue_discussions),
        (f"{pr_}/repository/commits", list_commits),
        (f"{pr_}/repository/commits/{{sha}}", get_commit),
        (f"{pr_}/repository/commits/{{sha}}/diff", commit_diff),
        (f"{pr_}/repository/compare", compare),
    ]:
        router.add("GET", template, handler)
