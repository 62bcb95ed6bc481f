"""GitHub REST v3 routes the miners use (through PyGithub), with GitHub's filters, sorting and paging.

Registered without a prefix; the server strips ``/api/v3`` (Enterprise Server style) before routing
and keeps it in every URL it renders.  Defaults follow the REST docs: pulls and issues list ``open``
items newest first; comment listings are ascending by id unless ``sort`` is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from leadsig.simulator import github_accounts as accounts
from leadsig.simulator import github_render as gh
from leadsig.simulator.http import BadRequest, NotFound, Request, Response, Router
from leadsig.simulator.model import GITHUB, Comment, Issue, PullRequest, Repo
from leadsig.simulator.org import Org
from leadsig.simulator.pagination import github_link, paginate


def _web(req: Request) -> str:
    return req.host_url


def _repo(org: Org, owner: str, repo: str) -> Repo:
    try:
        r = org.repo(f"{owner}/{repo}")
    except KeyError:
        raise NotFound(f"{owner}/{repo}") from None
    if r.forge != GITHUB:
        raise NotFound(f"{owner}/{repo}")
    return r


def _pull(org: Org, owner: str, repo: str, number: str) -> PullRequest:
    r = _repo(org, owner, repo)
    try:
        return org.pull(r.full_name, int(number))
    except (KeyError, ValueError):
        raise NotFound(number) from None


def listing(req: Request, items: Sequence[Any], render: Callable[[Any], Any]) -> Response:
    """Paginate then render only the requested page (rendering is the expensive part)."""
    p = paginate(items, req)
    return Response(200, [render(x) for x in p.items], github_link(req, p))


def _direction(req: Request, default: str) -> bool:
    d = req.arg("direction", default)
    if d not in ("asc", "desc"):
        raise BadRequest(f"direction must be asc or desc, not {d!r}")
    return d == "desc"


def _since(items: Sequence[Any], req: Request, attr: str = "updated_at") -> list[Any]:
    since = req.time_arg("since")
    return [x for x in items if since is None or getattr(x, attr) >= since]


def _sorted_comments(req: Request, items: list[Comment]) -> list[Comment]:
    """Review/issue comment listings: ascending by id, or by created/updated when ``sort`` is given."""
    items = _since(items, req)
    sort = req.arg("sort")
    if sort is None:
        return sorted(items, key=lambda c: c.id)
    if sort not in ("created", "updated"):
        raise BadRequest(f"sort must be created or updated, not {sort!r}")
    key: Callable[[Comment], Any] = (
        (lambda c: (c.created_at, c.id)) if sort == "created" else (lambda c: (c.updated_at, c.id))
    )
    return sorted(items, key=key, reverse=_direction(req, "asc"))


def _state_ok(item: Issue | PullRequest, state: str) -> bool:
    if state == "all":
        return True
    if state not in ("open", "closed"):
        raise BadRequest(f"state must be open, closed or all, not {state!r}")
    return (item.state == "open") == (state == "open")


# ------------------------------------------------------------------ handlers
def get_user(org: Org, req: Request) -> Response:
    return Response(200, accounts.full_user(org.humans()[0], req.api_base, _web(req)))


def get_users(org: Org, req: Request, login: str) -> Response:
    if login == org.github_org:
        return Response(200, accounts.org_json(org, req.api_base, _web(req), full=True))
    try:
        p = org.person(login)
    except KeyError:
        raise NotFound(login) from None
    if p.gh_login != login:
        raise NotFound(login)
    return Response(200, accounts.full_user(p, req.api_base, _web(req)))


def get_org(org: Org, req: Request, org_name: str) -> Response:
    if org_name != org.github_org:
        raise NotFound(org_name)
    return Response(200, accounts.org_json(org, req.api_base, _web(req), full=True))


def org_repos(org: Org, req: Request, org_name: str) -> Response:
    if org_name != org.github_org:
        raise NotFound(org_name)
    repos = sorted(org.repos_of(GITHUB), key=lambda r: r.id)
    return listing(req, repos, lambda r: gh.repo_json(org, r, req.api_base, _web(req)))


def get_repo(org: Org, req: Request, owner: str, repo: str) -> Response:
    return Response(200, gh.repo_json(org, _repo(org, owner, repo), req.api_base, _web(req)))


def list_pulls(org: Org, req: Request, owner: str, repo: str) -> Response:
    r = _repo(org, owner, repo)
    state = req.arg("state", "open") or "open"
    items = [pr for pr in org.pulls.get(r.full_name, []) if _state_ok(pr, state)]
    sort = req.arg("sort", "created")
    keys: dict[str, Callable[[PullRequest], Any]] = {
        "created": lambda p: (p.created_at, p.number),
        "updated": lambda p: (p.updated_at, p.number),
        "popularity": lambda p: (len(p.comments), p.number),
        "long-running": lambda p: (p.created_at, p.number),
    }
    if sort not in keys:
        raise BadRequest(f"sort must be one of {', '.join(keys)}")
    items.sort(key=keys[sort], reverse=_direction(req, "desc"))
    return listing(req, items, lambda p: gh.pull_json(org, p, req.api_base, _web(req)))


def get_pull(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    return Response(200, gh.pull_json(org, _pull(org, owner, repo, number), req.api_base, _web(req), full=True))


def pull_reviews(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    pr = _pull(org, owner, repo, number)
    items = sorted(pr.reviews, key=lambda rv: (rv.submitted_at, rv.id))
    return listing(req, items, lambda rv: gh.review_json(rv, req.api_base, _web(req)))


def review_comments_of(org: Org, req: Request, owner: str, repo: str, number: str, review_id: str) -> Response:
    pr = _pull(org, owner, repo, number)
    if not any(str(rv.id) == review_id for rv in pr.reviews):
        raise NotFound(review_id)
    items = _sorted_comments(req, [c for c in pr.comments if c.kind == "review_comment"
                                   and str(getattr(c, "review_id", None)) == review_id])
    return listing(req, items, lambda c: gh.review_comment_json(c, req.api_base, _web(req)))


def pull_comments(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    pr = _pull(org, owner, repo, number)
    items = _sorted_comments(req, [c for c in pr.comments if c.kind == "review_comment"])
    return listing(req, items, lambda c: gh.review_comment_json(c, req.api_base, _web(req)))


def repo_review_comments(org: Org, req: Request, owner: str, repo: str) -> Response:
    r = _repo(org, owner, repo)
    allc = [c for pr in org.pulls.get(r.full_name, []) for c in pr.comments if c.kind == "review_comment"]
    return listing(req, _sorted_comments(req, allc), lambda c: gh.review_comment_json(c, req.api_base, _web(req)))


def list_issues(org: Org, req: Request, owner: str, repo: str) -> Response:
    r = _repo(org, owner, repo)
    state = req.arg("state", "open") or "open"
    items: list[Issue | PullRequest] = [*org.issues.get(r.full_name, []), *org.pulls.get(r.full_name, [])]
    items = [x for x in _since(items, req) if _state_ok(x, state)]
    labels = [x for x in (req.arg("labels") or "").split(",") if x]
    if labels:
        items = [x for x in items if all(lbl in x.labels for lbl in labels)]
    if req.arg("creator"):
        items = [x for x in items if x.author.gh_login == req.arg("creator")]
    sort = req.arg("sort", "created")
    keys: dict[str, Callable[[Any], Any]] = {
        "created": lambda x: (x.created_at, x.number),
        "updated": lambda x: (x.updated_at, x.number),
        "comments": lambda x: (len(x.comments), x.number),
    }
    if sort not in keys:
        raise BadRequest(f"sort must be one of {', '.join(keys)}")
    items.sort(key=keys[sort], reverse=_direction(req, "desc"))
    return listing(req, items, lambda x: gh.issue_json(x, req.api_base, _web(req)))


def _issue_or_pull(org: Org, owner: str, repo: str, number: str) -> Issue | PullRequest:
    r = _repo(org, owner, repo)
    try:
        n = int(number)
    except ValueError:
        raise NotFound(number) from None
    for getter in (org.issue, org.pull):
        try:
            return getter(r.full_name, n)
        except KeyError:
            continue
    raise NotFound(number)


def get_issue(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    item = _issue_or_pull(org, owner, repo, number)
    return Response(200, gh.issue_json(item, req.api_base, _web(req), full=True))


def issue_comments(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    item = _issue_or_pull(org, owner, repo, number)
    items = _sorted_comments(req, [c for c in item.comments if c.kind == "conversation"])
    return listing(req, items, lambda c: gh.issue_comment_json(c, req.api_base, _web(req)))


def repo_issue_comments(org: Org, req: Request, owner: str, repo: str) -> Response:
    r = _repo(org, owner, repo)
    parents: list[Issue | PullRequest] = [*org.issues.get(r.full_name, []), *org.pulls.get(r.full_name, [])]
    allc = [c for x in parents for c in x.comments if c.kind == "conversation"]
    return listing(req, _sorted_comments(req, allc), lambda c: gh.issue_comment_json(c, req.api_base, _web(req)))


def get_issue_comment(org: Org, req: Request, owner: str, repo: str, comment_id: str) -> Response:
    _repo(org, owner, repo)
    try:
        c = org.comment(GITHUB, int(comment_id))
    except (KeyError, ValueError):
        raise NotFound(comment_id) from None
    if c.kind != "conversation" or c.repo != f"{owner}/{repo}":
        raise NotFound(comment_id)
    return Response(200, gh.issue_comment_json(c, req.api_base, _web(req)))


def get_review_comment(org: Org, req: Request, owner: str, repo: str, comment_id: str) -> Response:
    _repo(org, owner, repo)
    try:
        c = org.comment(GITHUB, int(comment_id))
    except (KeyError, ValueError):
        raise NotFound(comment_id) from None
    if c.kind != "review_comment" or c.repo != f"{owner}/{repo}":
        raise NotFound(comment_id)
    return Response(200, gh.review_comment_json(c, req.api_base, _web(req)))


def _path_match(filename: str, path: str) -> bool:
    path = path.strip("/")
    return filename == path or filename.startswith(path + "/")


def list_commits(org: Org, req: Request, owner: str, repo: str) -> Response:
    r = _repo(org, owner, repo)
    ref = req.arg("sha") or r.default_branch
    commits = org.commits.get(r.full_name, [])
    if ref == r.default_branch or ref not in {c.branch for c in commits}:
        try:
            tip = org.commit(r.full_name, ref) if ref != r.default_branch else None
        except KeyError:
            raise NotFound(ref) from None
        items = [
            c for c in commits if c.branch == r.default_branch and (tip is None or c.committed_at <= tip.committed_at)
        ]
    else:
        items = [c for c in commits if c.branch in (ref, r.default_branch)]
    since, until = req.time_arg("since"), req.time_arg("until")
    path, author = req.arg("path"), req.arg("author")
    items = [
        c
        for c in items
        if (since is None or c.committed_at >= since)
        and (until is None or c.committed_at <= until)
        and (not path or any(_path_match(f.filename, path) for f in c.files))
        and (not author or (c.author is not None and author in (c.author.gh_login, c.author_email)))
    ]
    landed = {c.sha: i for i, c in enumerate(commits)}  # git log order: the head first, then back
    items.sort(key=lambda c: landed[c.sha], reverse=True)
    return listing(req, items, lambda c: gh.commit_json(org, c, req.api_base, _web(req)))


def get_commit(org: Org, req: Request, owner: str, repo: str, sha: str) -> Response:
    r = _repo(org, owner, repo)
    try:
        c = org.commit(r.full_name, sha)
    except KeyError:
        raise NotFound(sha) from None
    body = gh.commit_json(org, c, req.api_base, _web(req), full=True)
    p = paginate(body["files"], req, default=300, maximum=300)  # PyGithub pages the files of a commit
    body["files"] = p.items
    return Response(200, body, github_link(req, p))


def compare_commits(org: Org, req: Request, owner: str, repo: str, basehead: str) -> Response:
    """``BASE...HEAD``: the commits HEAD has that BASE has not, oldest first, in landing order (Org.compare)."""
    r = _repo(org, owner, repo)
    base_ref, sep, head_ref = basehead.partition("...")
    try:
        ahead, behind, head = org.compare(r.full_name, r.default_branch, base_ref, head_ref)
        base = org.commit(r.full_name, base_ref)
    except (KeyError, ValueError):
        raise NotFound(basehead) from None
    status = "identical" if not ahead and not behind else "ahead" if not behind else "diverged"
    api, web = req.api_base, _web(req)
    p = paginate(ahead, req, default=250, maximum=1000)
    url = f"{api}/repos/{r.full_name}/compare/{basehead}"
    body = {
        "url": url,
        "html_url": f"{web}/{r.full_name}/compare/{basehead}",
        "permalink_url": f"{web}/{r.full_name}/compare/{base.sha}...{head.sha}",
        "diff_url": f"{web}/{r.full_name}/compare/{basehead}.diff",
        "patch_url": f"{web}/{r.full_name}/compare/{basehead}.patch",
        "base_commit": gh.commit_json(org, base, api, web),
        "merge_base_commit": gh.commit_json(org, base, api, web),
        "status": status,
        "ahead_by": len(ahead),
        "behind_by": behind,
        "total_commits": len(ahead),
        "commits": [gh.commit_json(org, c, api, web) for c in p.items],
    }
    return Response(200, body, github_link(req, p))


def rate_limit(org: Org, req: Request, numbers: dict[str, int], graphql: dict[str, int] | None = None) -> Response:
    core = {
        "limit": numbers["limit"],
        "used": numbers["used"],
        "remaining": numbers["remaining"],
        "reset": numbers["reset"],
        "resource": "core",
    }
    other = {"limit": 30, "used": 0, "remaining": 30, "reset": numbers["reset"]}
    return Response(
        200,
        {
            "resources": {
                "core": core,
                "search": {**other, "resource": "search"},
                "graphql": {**(graphql or core), "resource": "graphql"},
            },
            "rate": core,
        },
    )



def register(router: Router) -> None:
    """Add every GitHub route (paths without the /api/v3 prefix)."""
    R = "/repos/{owner}/{repo}"
    for template, handler in [
        ("/user", get_user),
        ("/users/{login}", get_users),
        ("/orgs/{org_name}", get_org),
        ("/orgs/{org_name}/repos", org_repos),
        (R, get_repo),
        (f"{R}/pulls", list_pulls),
        (f"{R}/pulls/comments", repo_review_comments),
        (f"{R}/pulls/comments/{{comment_id}}", get_review_comment),
        (f"{R}/pulls/{{number}}", get_pull),
        (f"{R}/pulls/{{number}}/reviews", pull_reviews),
        (f"{R}/pulls/{{number}}/reviews/{{review_id}}/comments", review_comments_of),
        (f"{R}/pulls/{{number}}/comments", pull_comments),
        (f"{R}/issues", list_issues),
        (f"{R}/issues/comments", repo_issue_comments),
        (f"{R}/issues/comments/{{comment_id}}", get_issue_comment),
        (f"{R}/issues/{{number}}", get_issue),
        (f"{R}/issues/{{number}}/comments", issue_comments),
        (f"{R}/commits", list_commits),
        (f"{R}/commits/{{sha}}", get_commit),
        (f"{R}/compare/{{basehead}}", compare_commits),
    ]:
        router.add("GET", template, handler)
