"""Small HTML pages behind every ``html_url``/``web_url`` the simulator emits.

A report's evidence link must open on something that describes the activity.  Each page lists the
item and every review, comment or note on it, each inside an element whose ``id`` is the URL fragment
the forge uses (``pullrequestreview-ID``, ``discussion_rID``, ``issuecomment-ID``, ``note_ID``).
Forge text is escaped.  These routes skip rate limits and faults.
"""

from __future__ import annotations

from html import escape
from typing import Any

from leadsig.simulator.http import NotFound, Request, Response, Router
from leadsig.simulator.model import GITHUB, GITLAB, Issue, PullRequest
from leadsig.simulator.org import Org


def _page(title: str, parts: list[str]) -> Response:
    body = "\n".join(parts)
    return Response(
        200,
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>\n{body}\n</body></html>",
        content_type="text/html; charset=utf-8",
    )


def _block(anchor: str, who: str, what: str, when: Any, body: str) -> str:
    return (
        f"<div class='item' id='{anchor}'><p><b>@{escape(who)}</b> {escape(what)} "
        f"<time>{when:%Y-%m-%d %H:%M UTC}</time></p><div class='body'>{escape(body)}</div></div>"
    )


def _item_page(org: Org, forge: str, item: PullRequest | Issue) -> Response:
    login = item.author.login(forge)
    kind = (
        "pull request"
        if isinstance(item, PullRequest) and forge == GITHUB
        else ("merge request" if isinstance(item, PullRequest) else "issue")
    )
    parts = [
        f"<p>{kind} {item.repo} #{item.number} by <b>@{escape(login)}</b>, state {item.state}, "
        f"labels {escape(', '.join(item.labels))}</p>",
        f"<div class='description'>{escape(item.body)}</div>",
    ]
    if isinstance(item, PullRequest):
        parts += [
            _block(
                f"pullrequestreview-{rv.id}", rv.author.login(forge), f"reviewed ({rv.state})", rv.submitted_at, rv.body
            )
            for rv in item.reviews
        ]
        parts += [
            _block(f"note_{a.note_id}", a.user.login(forge), "approved", a.approved_at, "") for a in item.approvals
        ]
    for c in item.comments:
        if forge == GITLAB:
            anchor = f"note_{c.id}"
        elif c.kind == "review_comment":
            anchor = f"discussion_r{c.id}"
        else:
            anchor = f"issuecomment-{c.id}"
        what = {"review_comment": f"commented on {c.path}:{c.line}", "system": "(system)"}.get(c.kind, "commented")
        parts.append(_block(anchor, c.author.login(forge), what, c.created_at, c.body))
    return _page(f"{item.title} · {item.repo}#{item.number}", parts)


def _find(org: Org, repo: str, number: str, pull: bool) -> PullRequest | Issue:
    try:
        return org.pull(repo, int(number)) if pull else org.issue(repo, int(number))
    except (KeyError, ValueError):
        if not pull:  # GitHub serves /issues/N for PR numbers too (it redirects)
            try:
                return org.pull(repo, int(number))
            except (KeyError, ValueError):
                pass
        raise NotFound(number) from None


def gh_pull(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    return _item_page(org, GITHUB, _find(org, f"{owner}/{repo}", number, True))


def gh_issue(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    return _item_page(org, GITHUB, _find(org, f"{owner}/{repo}", number, False))


def gl_mr(org: Org, req: Request, path: str, number: str) -> Response:
    return _item_page(org, GITLAB, _find(org, path, number, True))


def gl_issue(org: Org, req: Request, path: str, number: str) -> Response:
    return _item_page(org, GITLAB, _find(org, path, number, False))


def _commit_page(org: Org, forge: str, repo: str, sha: str) -> Response:
    try:
        c = org.commit(repo, sha)
    except KeyError:
        raise NotFound(sha) from None
    files = "".join(f"<li>{escape(f.filename)} +{f.additions} -{f.deletions}</li>" for f in c.files)
    who = c.author.login(forge) if c.author else c.author_name
    return _page(
        f"{c.message.splitlines()[0]} · {c.sha[:10]}",
        [
            _block(f"commit-{c.sha}", who, f"committed {c.sha} to {repo}", c.authored_at, c.message),
            f"<ul class='files'>{files}</ul>",
        ],
    )


def gh_commit(org: Org, req: Request, owner: str, repo: str, sha: str) -> Response:
    return _commit_page(org, GITHUB, f"{owner}/{repo}", sha)


def gl_commit(org: Org, req: Request, path: str, sha: str) -> Response:
    return _commit_page(org, GITLAB, path, sha)


def user_page(org: Org, req: Request, login: str) -> Response:
    try:
        p = org.person(login)
    except KeyError:
        raise NotFound(login) from None
    return _page(f"{p.name} (@{login})", [f"<p>team {escape(p.team)}, {escape(p.region)}</p>"])


def register(router: Router) -> None:
    """Register the web pages (after all API routes)."""
    for template, handler in [
        ("/{path+}/-/merge_requests/{number}", gl_mr),
        ("/{path+}/-/issues/{number}", gl_issue),
        ("/{path+}/-/commit/{sha}", gl_commit),
        ("/{owner}/{repo}/pull/{number}", gh_pull),
        ("/{owner}/{repo}/issues/{number}", gh_issue),
        ("/{owner}/{repo}/commit/{sha}", gh_commit),
        ("/{login}", user_page),
    ]:
        handler.html_page = True  # type: ignore[attr-defined]
        router.add("GET", template, handler)
