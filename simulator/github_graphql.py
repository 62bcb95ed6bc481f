"""GitHub's GraphQL API (``POST /graphql``; ``/api/graphql`` on Enterprise Server), the part the miner reads.

The schema (:mod:`simulator.github_graphql_sdl`) is a strict subset of GitHub's published one (same type
names, field types, arguments and nullability; ``tests/miners/test_github_graphql_query.py`` checks it
against ``@octokit/graphql-schema``), executed by graphql-core over the same org model the REST routes render.
Behaviour follows github.com where the miner can tell the difference:

- connections need ``first`` or ``last`` (1..100) before ``nodes`` can be asked for, else an error of
  type ``MISSING_PAGINATION_BOUNDARIES``; cursors are opaque strings;
- errors come back with HTTP 200 and an ``errors`` list; an unknown repository is ``repository: null``
  with an error of type ``NOT_FOUND``;
- a bot's ``login`` has no ``[bot]`` suffix (REST says ``dependabot[bot]``, GraphQL ``dependabot``);
- ``databaseId`` of pull requests and reviews is deprecated in favour of ``fullDatabaseId`` (a BigInt,
  serialised as a string).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync

from leadsig.simulator.github_graphql_sdl import SDL
from leadsig.simulator.graphql_cost import query_cost
from leadsig.simulator.graphql_result import answer_body
from leadsig.simulator.http import Request, Response, Router
from leadsig.simulator.model import GITHUB, Comment, Commit, Issue, Person, PullRequest, Review, iso_z
from leadsig.simulator.org import Org

MAX_PAGE = 100
UNSET = object()


class QueryError(Exception):
    """A resolver's error with GitHub's ``type`` key (NOT_FOUND, MISSING_PAGINATION_BOUNDARIES, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    s = build_schema(SDL)
    s.type_map["Actor"].resolve_type = lambda obj, _info, _t: obj.typename  # type: ignore[attr-defined]
    s.type_map["RequestedReviewer"].resolve_type = lambda obj, _info, _t: obj.typename  # type: ignore[attr-defined]
    s.type_map["PullRequestTimelineItems"].resolve_type = lambda obj, _info, _t: obj.typename  # type: ignore[attr-defined]
    s.type_map["GitObject"].resolve_type = lambda obj, _info, _t: obj.typename  # type: ignore[attr-defined]
    return s


# ------------------------------------------------------------------ connections
def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def _offset(cursor: str | None, name: str) -> int:
    if cursor is None:
        return 0
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith("cursor:v2:"):
            return int(text.removeprefix("cursor:v2:")) + 1
    except ValueError:
        pass
    raise QueryError("INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor.")


class Connection:
    """One page of a list: ``first``/``after`` and ``last``/``before``, offset cursors."""

    def __init__(self, name: str, items: Sequence[Any], wrap: Callable[[Any], Any], first: int | None = None,
                 after: str | None = None, last: int | None = None, before: str | None = None) -> None:
        for arg, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= MAX_PAGE:
                raise QueryError("EXCESSIVE_PAGINATION" if value > MAX_PAGE else "INVALID_ARGUMENTS",
                                 f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` "
                                 f"limit of {MAX_PAGE} records.")
        self.name, self.items, self.wrap = name, items, wrap
        start, end = _offset(after, name), len(items)
        if before is not None:
            end = min(end, _offset(before, name) - 1)
        if first is not None:
            end = min(end, start + first)
        if last is not None:
            start = max(start, end - last)
        self.start, self.end, self.bounded = start, end, first is not None or last is not None

    def totalCount(self, _info: Any) -> int:  # noqa: N802 - GraphQL field names
        return len(self.items)

    def nodes(self, _info: Any) -> list[Any]:
        if not self.bounded:
            raise QueryError("MISSING_PAGINATION_BOUNDARIES",
                             f"You must provide a `first` or `last` value to properly paginate the "
                             f"`{self.name}` connection.")
        return [self.wrap(x) for x in self.items[self.start : self.end]]

    def pageInfo(self, _info: Any) -> dict[str, Any]:  # noqa: N802
        empty = self.end <= self.start
        return {"hasNextPage": self.end < len(self.items), "hasPreviousPage": self.start > 0,
                "startCursor": None if empty else _cursor(self.start),
                "endCursor": None if empty else _cursor(self.end - 1)}


# ------------------------------------------------------------------ object wrappers
class ActorNode:
    """A User or Bot.  GraphQL drops the ``[bot]`` suffix REST puts on a bot's login."""

    def __init__(self, p: Person, web: str) -> None:
        self.p, self.web = p, web
        self.typename = "Bot" if p.is_bot else "User"
        self.login = p.gh_login.removesuffix("[bot]") if p.is_bot else p.gh_login
        self.databaseId = p.gh_id  # noqa: N815
        self.name = p.name
        self.resourcePath = f"/{p.gh_login}" if not p.is_bot else f"/apps/{self.login}"  # noqa: N815
        self.url = self.web + self.resourcePath

    def avatarUrl(self, _info: Any, size: int | None = None) -> str:  # noqa: N802
        return f"{self.web}/avatars/u/{self.p.gh_id}?v=4" + (f"&s={size}" if size else "")


def _actor(p: Person | None, web: str) -> ActorNode | None:
    return ActorNode(p, web) if p is not None else None


class ReviewRequestNode:
    def __init__(self, p: Person, web: str) -> None:
        self.asCodeOwner = False  # noqa: N815
        self.requestedReviewer = ActorNode(p, web)  # noqa: N815


class ReviewRequestedNode:
    """One ``ReviewRequestedEvent`` of a PR's timeline: who was asked, when (the author asked)."""

    typename = "ReviewRequestedEvent"

    def __init__(self, pr: PullRequest, p: Person, at: datetime, web: str) -> None:
        self.actor = ActorNode(pr.author, web)
        self.createdAt = iso_z(at)  # noqa: N815
        self.requestedReviewer = ActorNode(p, web)  # noqa: N815


class IssueCommentNode:
    """A conversation comment of an issue or PR; ``url`` and ids as REST's ``issue_comment_json`` gives them."""

    def __init__(self, c: Comment, web: str) -> None:
        kind = "pull" if c.parent_type == "pull" else "issues"
        self.fullDatabaseId = str(c.id)  # noqa: N815
        self.body = c.body or ""
        self.url = f"{web}/{c.repo}/{kind}/{c.number}#issuecomment-{c.id}"
        self.createdAt, self.updatedAt = iso_z(c.created_at), iso_z(c.updated_at)  # noqa: N815
        self.author = _actor(c.author, web)
        self.authorAssociation = "MEMBER"  # noqa: N815


def _conversation(comments: Sequence[Comment], web: str, page: dict[str, Any]) -> Connection:
    """Conversation comments in the order of the REST listing ``/issues/N/comments`` (ascending id: GitHub's
    order of creation), review comments apart."""
    items = sorted((c for c in comments if c.kind == "conversation"), key=lambda c: c.id)
    return Connection("comments", items, lambda c: IssueCommentNode(c, web), **page)


class ReviewNode:
    def __init__(self, rv: Review, org: Org, web: str) -> None:
        self.rv, self.org, self.web = rv, org, web
        self.fullDatabaseId = str(rv.id)  # noqa: N815
        self.databaseId = rv.id  # noqa: N815
        self.state = rv.state
        self.body = rv.body or ""
        self.submittedAt = iso_z(rv.submitted_at)  # noqa: N815
        self.url = f"{web}/{rv.repo}/pull/{rv.number}#pullrequestreview-{rv.id}"
        self.author = _actor(rv.author, web)
        self.authorAssociation = "MEMBER"  # noqa: N815
        self.commit = {"oid": rv.commit_id} if rv.commit_id else None

    def comments(self, _info: Any, first: int | None = None, after: str | None = None,
                 last: int | None = None, before: str | None = None) -> Connection:
        pr = self.org.pull(self.rv.repo, self.rv.number)
        inline = [c for c in pr.comments if c.kind == "review_comment" and c.review_id == self.rv.id]
        return Connection("comments", inline, lambda c: c, first, after, last, before)


class PullRequestNode:
    def __init__(self, pr: PullRequest, org: Org, web: str) -> None:
        self.pr, self.org, self.web = pr, org, web
        self.fullDatabaseId = str(pr.id)  # noqa: N815
        self.databaseId = pr.id  # noqa: N815
        self.number, self.title, self.body = pr.number, pr.title, pr.body or ""
        self.url = f"{web}/{pr.repo}/pull/{pr.number}"
        self.createdAt, self.updatedAt = iso_z(pr.created_at), iso_z(pr.updated_at)  # noqa: N815
        self.mergedAt = iso_z(pr.merged_at) if pr.merged_at else None  # noqa: N815
        self.closedAt = iso_z(pr.closed_at) if pr.closed_at else None  # noqa: N815
        self.state = {"open": "OPEN", "merged": "MERGED"}.get(pr.state, "MERGED" if pr.merged_at else "CLOSED")
        self.isDraft = False  # noqa: N815
        self.author = _actor(pr.author, web)
        self.mergedBy = _actor(pr.merged_by, web) if pr.merged_at else None  # noqa: N815

    def comments(self, _info: Any, **page: Any) -> Connection:
        return _conversation(self.pr.comments, self.web, page)

    def labels(self, _info: Any, **page: Any) -> Connection:
        return Connection("labels", sorted(self.pr.labels), lambda n: {"name": n, "color": "ededed"}, **page)

    def reviewRequests(self, _info: Any, **page: Any) -> Connection:  # noqa: N802
        return Connection("reviewRequests", self.pr.requested_reviewers,
                          lambda p: ReviewRequestNode(p, self.web), **page)

    def _files(self) -> list[dict[str, Any]]:
        """The PR's files over all its commits, one entry per path (line counts summed), in first-touched order."""
        out: dict[str, dict[str, Any]] = {}
        for sha in self.pr.commits:
            for f in self.org.commit(self.pr.repo, sha).files:
                entry = out.setdefault(f.filename, {"path": f.filename, "additions": 0, "deletions": 0})
                entry["additions"] += f.additions
                entry["deletions"] += f.deletions
        return list(out.values())

    def files(self, _info: Any, **page: Any) -> Connection:
        return Connection("files", self._files(), lambda f: f, **page)

    def changedFiles(self, _info: Any) -> int:  # noqa: N802
        return len(self._files())

    def additions(self, _info: Any) -> int:
        return sum(f["additions"] for f in self._files())

    def deletions(self, _info: Any) -> int:
        return sum(f["deletions"] for f in self._files())

    def timelineItems(self, _info: Any, itemTypes: list[str] | None = None, since: str | None = None,  # noqa: N802,N803
                      skip: int | None = None, **page: Any) -> Connection:
        items = [] if itemTypes is not None and "REVIEW_REQUESTED_EVENT" not in itemTypes else \
            [ReviewRequestedNode(self.pr, p, at, self.web) for p, at in self.pr.review_requests]
        if since is not None:
            items = [i for i in items if i.createdAt >= since]
        conn = Connection("timelineItems", items[skip or 0:], lambda i: i, **page)
        conn.filteredCount = lambda _info: len(items)  # type: ignore[attr-defined]  # noqa: N815
        return conn

    def reviews(self, _info: Any, author: str | None = None, states: list[str] | None = None,
                **page: Any) -> Connection:
        items = sorted(self.pr.reviews, key=lambda rv: (rv.submitted_at, rv.id))
        items = [rv for rv in items if (states is None or rv.state in states)
                 and (author is None or ActorNode(rv.author, self.web).login == author)]
        return Connection("reviews", items, lambda rv: ReviewNode(rv, self.org, self.web), **page)


class CommitNode:
    """A commit as ``repository.object(oid:)`` gives it: the git author, and the GitHub user its email is
    linked to. ``GitActor.user`` is a User: a bot's commit has none here (REST's ``author`` names the Bot)."""

    typename = "Commit"

    def __init__(self, c: Commit, web: str) -> None:
        self.oid = c.sha
        linked = c.author if c.linked and c.author is not None and not c.author.is_bot else None
        self.author = {"email": c.author_email, "name": c.author_name,
                       "user": ActorNode(linked, web) if linked is not None else None}


class IssueNode:
    """An issue (never a PR: GraphQL's ``issues`` lists issues only, unlike REST's issue listing)."""

    def __init__(self, it: Issue, web: str) -> None:
        self.it, self.web = it, web
        self.fullDatabaseId = str(it.id)  # noqa: N815
        self.number, self.title, self.body = it.number, it.title, it.body or ""
        self.url = f"{web}/{it.repo}/issues/{it.number}"
        self.createdAt, self.updatedAt = iso_z(it.created_at), iso_z(it.updated_at)  # noqa: N815
        self.closedAt = iso_z(it.closed_at) if it.closed_at else None  # noqa: N815
        self.state = "OPEN" if it.state == "open" else "CLOSED"
        self.author = _actor(it.author, web)

    def labels(self, _info: Any, **page: Any) -> Connection:
        return Connection("labels", sorted(self.it.labels), lambda n: {"name": n, "color": "ededed"}, **page)

    def assignees(self, _info: Any, **page: Any) -> Connection:
        return Connection("assignees", [], lambda p: p, **page)  # the simulator assigns nobody (REST: [])

    def comments(self, _info: Any, **page: Any) -> Connection:
        return _conversation(self.it.comments, self.web, page)


ISSUE_ORDER: dict[str, Callable[[Issue], Any]] = {
    "CREATED_AT": lambda i: (i.created_at, i.number),
    "UPDATED_AT": lambda i: (i.updated_at, i.number),
    "COMMENTS": lambda i: (sum(1 for c in i.comments if c.kind == "conversation"), i.number),
}


PR_ORDER: dict[str, Callable[[PullRequest], Any]] = {
    "CREATED_AT": lambda p: (p.created_at, p.number),
    "UPDATED_AT": lambda p: (p.updated_at, p.number),
    "COMMENTS": lambda p: (sum(1 for c in p.comments if c.kind == "conversation"), p.number),
}


class RepositoryNode:
    def __init__(self, org: Org, full_name: str, web: str) -> None:
        self.org, self.web = org, web
        self.r = org.repo(full_name)
        self.nameWithOwner = self.r.full_name  # noqa: N815
        self.databaseId = self.r.id  # noqa: N815
        self.url = f"{web}/{self.r.full_name}"

    def pullRequests(self, _info: Any, states: list[str] | None = None, orderBy: dict | None = None,  # noqa: N802,N803
                     labels: list[str] | None = None, baseRefName: str | None = None,  # noqa: N803
                     headRefName: str | None = None, **page: Any) -> Connection:  # noqa: N803
        items = list(self.org.pulls.get(self.r.full_name, []))
        if states is not None:
            items = [p for p in items if PullRequestNode(p, self.org, self.web).state in states]
        if labels:
            items = [p for p in items if any(lb in p.labels for lb in labels)]
        if headRefName is not None:
            items = [p for p in items if p.head_ref == headRefName]
        order = orderBy or {"field": "CREATED_AT", "direction": "ASC"}
        items.sort(key=PR_ORDER[order["field"]], reverse=order["direction"] == "DESC")
        return Connection("pullRequests", items, lambda p: PullRequestNode(p, self.org, self.web), **page)

    def issues(self, _info: Any, filterBy: dict | None = None, orderBy: dict | None = None,  # noqa: N803
               labels: list[str] | None = None, states: list[str] | None = None, **page: Any) -> Connection:
        items = list(self.org.issues.get(self.r.full_name, []))
        since = (filterBy or {}).get("since")
        if since is not None:
            at = datetime.fromisoformat(str(since).replace("Z", "+00:00"))
            items = [i for i in items if i.updated_at.replace(tzinfo=i.updated_at.tzinfo or UTC) >= at]
        if states is not None:
            items = [i for i in items if ("OPEN" if i.state == "open" else "CLOSED") in states]
        if labels:
            items = [i for i in items if any(lb in i.labels for lb in labels)]
        order = orderBy or {"field": "CREATED_AT", "direction": "ASC"}
        items.sort(key=ISSUE_ORDER[order["field"]], reverse=order["direction"] == "DESC")
        return Connection("issues", items, lambda i: IssueNode(i, self.web), **page)

    def object(self, _info: Any, oid: str | None = None, expression: str | None = None) -> CommitNode | None:
        """A commit by its SHA (``expression`` revisions are not served); null when the repo has no such one."""
        try:
            return CommitNode(self.org.commit(self.r.full_name, oid or ""), self.web) if oid else None
        except KeyError:
            return None


class Root:
    def __init__(self, org: Org, req: Request, budget: dict[str, Any]) -> None:
        self.org, self.req, self.budget = org, req, budget

    def repository(self, _info: Any, owner: str, name: str, followRenames: bool = True) -> RepositoryNode:  # noqa: N803
        full = f"{owner}/{name}"
        try:
            found = self.org.repo(full)
        except KeyError:
            found = None
        if found is None or found.forge != GITHUB:
            raise QueryError("NOT_FOUND", f"Could not resolve to a Repository with the name '{full}'.")
        return RepositoryNode(self.org, found.full_name, self.req.host_url)

    def rateLimit(self, _info: Any, dryRun: bool = False) -> dict[str, Any]:  # noqa: N802,N803
        reset = datetime.fromtimestamp(self.budget.get("reset", 0), UTC)
        return {"cost": self.budget.get("cost", 1), "limit": self.budget.get("limit", 5000), "nodeCount": 0,
                "remaining": self.budget.get("remaining", 5000), "used": self.budget.get("used", 0),
                "resetAt": iso_z(reset)}


# ------------------------------------------------------------------ HTTP
def execute(org: Org, req: Request, budget: dict[str, Any] | None = None) -> Response:
    """Run one GraphQL request body; GitHub answers 200 even when the query has errors."""
    try:
        payload = json.loads(req.body or b"{}")
    except ValueError:
        return Response(400, {"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/graphql"})
    query = payload.get("query") if isinstance(payload, dict) else None
    if not isinstance(query, str):
        return Response(200, {"errors": [{"message": "A query attribute must be specified and must be a string."}]})
    budget = {**(budget or {}), "cost": query_cost(query, payload.get("variables") or {}, payload.get("operationName"))}
    result = graphql_sync(schema(), query, root_value=Root(org, req, budget),
                          variable_values=payload.get("variables") or None,
                          operation_name=payload.get("operationName"))
    return Response(200, answer_body(result, _error_json), {"X-GitHub-Media-Type": "github.v4; format=json"})


def _error_json(e: GraphQLError) -> dict[str, Any]:
    out: dict[str, Any] = {"message": e.message}
    if isinstance(e.original_error, QueryError):
        out = {"type": e.original_error.kind, **out}
    if e.path:
        out["path"] = list(e.path)
    if e.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in e.locations]
    return out


def graphql(org: Org, req: Request) -> Response:
    return execute(org, req, req.rate)


def register(router: Router) -> None:
    """``/graphql``; the server maps Enterprise Server's ``/api/graphql`` onto it."""
    router.add("POST", "/graphql", graphql)
