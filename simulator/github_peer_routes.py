"""GitHub REST routes the miners do not use but peers do (Perceval's GitHub backend, for the side-by-side
benchmark): a PR's commits and requested reviewers, reactions listings, and a user's organisations."""

from __future__ import annotations

from leadsig.simulator import github_accounts as accounts
from leadsig.simulator import github_render as gh
from leadsig.simulator.github_routes import _pull, _web, listing
from leadsig.simulator.http import NotFound, Request, Response, Router
from leadsig.simulator.org import Org


def pull_commits(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    pr = _pull(org, owner, repo, number)
    commits = [org.commit(pr.repo, sha) for sha in pr.commits]
    return listing(req, commits, lambda c: gh.commit_json(org, c, req.api_base, _web(req)))


def requested_reviewers(org: Org, req: Request, owner: str, repo: str, number: str) -> Response:
    pr = _pull(org, owner, repo, number)
    users = [accounts.user(p, req.api_base, _web(req)) for p in pr.requested_reviewers]
    return Response(200, {"users": users, "teams": []})


def no_reactions(org: Org, req: Request, **_: str) -> Response:
    """The org model has no reactions: every rollup says 0, and the listings are empty."""
    return listing(req, [], lambda x: x)


def user_orgs(org: Org, req: Request, login: str) -> Response:
    try:
        person = org.person(login)
    except KeyError:
        raise NotFound(login) from None
    if person.gh_login != login:
        raise NotFound(login)
    orgs = [] if person.is_bot else [accounts.org_json(org, req.api_base, _web(req))]
    return listing(req, orgs, lambda o: o)


def register(router: Router) -> None:
    R = "/repos/{owner}/{repo}"
    for template, handler in [
        (f"{R}/pulls/{{number}}/commits", pull_commits),
        (f"{R}/pulls/{{number}}/requested_reviewers", requested_reviewers),
        (f"{R}/issues/{{number}}/reactions", no_reactions),
        (f"{R}/issues/comments/{{comment_id}}/reactions", no_reactions),
        (f"{R}/pulls/comments/{{comment_id}}/reactions", no_reactions),
        ("/users/{login}/orgs", user_orgs),
    ]:
        router.add("GET", template, handler)
