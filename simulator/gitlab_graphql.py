"""GitLab's GraphQL API (``POST /api/graphql``), the part the GitLab miner reads: a project's merge requests
with their notes, reviewers, labels and approvers nested.

The schema is a strict subset of GitLab's published one (type, field and argument names, nullability),
executed by graphql-core over the same org model the v4 routes render, so both answer the same data.
Behaviour follows gitlab.com where a client can tell the difference:

- global ids (``gid://gitlab/MergeRequest/12``; a note's id names its class: ``DiffNote`` for a note on a
  diff, ``Note`` otherwise, as the REST notes listing says ``type: "DiffNote"`` or null);
- ``Time`` is ISO 8601 in UTC, seconds, ``Z``; ``iid`` is a String;
- connections page by opaque keyset cursors (an item updated while a client pages moves to the end, it
  does not shift the pages after it); ``first``/``last`` above 100 are capped at 100 (GitLab's
  ``max_page_size``);
- a query whose complexity exceeds 250 is refused with HTTP 200 and GitLab's message ``Query has complexity
  of N, which exceeds max complexity of 250``; complexity is GitLab's rule (each field 1, a connection adds 1 %
  of its subtree per item asked for), close enough that a query the simulator takes real GitLab takes too;
- an unknown project is ``project: null`` without an error.

The simulator serves GitHub's Enterprise GraphQL at the same path (one host for both forges): the server
hands a body to this module when :func:`claims` recognises GitLab's root fields.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    graphql_sync,
    parse,
    value_from_ast_untyped,
)

from leadsig.simulator import gitlab_render as glr
from leadsig.simulator.graphql_result import answer_body
from leadsig.simulator.http import Request, Response, Router
from leadsig.simulator.model import GITLAB, Comment, Person, PullRequest, iso_z
from leadsig.simulator.org import Org

MAX_PAGE = 100
MAX_COMPLEXITY = 250
ROOT_FIELDS = {"project", "queryComplexity", "currentUser", "metadata"}  # GitLab's; GitHub has none of them
PATH = "/api/graphql"

SDL = """
scalar Time

type Query {
  project(fullPath: ID!): Project
  currentUser: UserCore
  metadata: Metadata
  queryComplexity: QueryComplexity
}

type Metadata { version: String! revision: String! enterprise: Boolean! }
type QueryComplexity { limit: Int score: Int }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type UserCore { id: ID! username: String! name: String! bot: Boolean! webUrl: String! state: String! }
type UserCoreConnection { count: Int! pageInfo: PageInfo! nodes: [UserCore] }
type MergeRequestReviewerConnection { count: Int! pageInfo: PageInfo! nodes: [UserCore] }

type Label { id: ID! title: String! color: String! }
type LabelConnection { count: Int! pageInfo: PageInfo! nodes: [Label] }

enum MergeRequestState { opened closed locked all merged }
enum MergeRequestSort { CREATED_ASC CREATED_DESC UPDATED_ASC UPDATED_DESC }
enum DiffPositionType { text image file }

type Project {
  id: ID!
  fullPath: ID!
  webUrl: String
  mergeRequest(iid: String!): MergeRequest
  mergeRequests(iids: [String!], state: MergeRequestState, updatedAfter: Time, updatedBefore: Time,
                sort: MergeRequestSort, after: String, before: String, first: Int, last: Int): MergeRequestConnection
}

type MergeRequestConnection { count: Int! pageInfo: PageInfo! nodes: [MergeRequest] }

type MergeRequest {
  id: ID!
  iid: String!
  title: String!
  description: String
  state: MergeRequestState!
  draft: Boolean!
  createdAt: Time!
  updatedAt: Time!
  mergedAt: Time
  closedAt: Time
  webUrl: String
  userNotesCount: Int
  author: UserCore
  mergeUser: UserCore
  labels(after: String, before: String, first: Int, last: Int): LabelConnection
  reviewers(after: String, before: String, first: Int, last: Int): MergeRequestReviewerConnection
  approvedBy(after: String, before: String, first: Int, last: Int): UserCoreConnection
  notes(after: String, before: String, first: Int, last: Int): NoteConnection!
}

type NoteConnection { count: Int! pageInfo: PageInfo! nodes: [Note] }

type Note {
  id: ID!
  body: String!
  system: Boolean!
  internal: Boolean
  createdAt: Time!
  updatedAt: Time!
  author: UserCore
  url: String
  resolvable: Boolean!
  resolved: Boolean!
  position: DiffPosition
}

type DiffPosition {
  filePath: String!
  newPath: String
  oldPath: String
  newLine: Int
  oldLine: Int
  positionType: DiffPositionType!
}
"""


class QueryRefused(Exception):
    """A query GitLab answers with an ``errors`` entry (and no data), e.g. too complex."""


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    return build_schema(SDL)


def gid(kind: str, ident: int) -> str:
    return f"gid://gitlab/{kind}/{ident}"


# ------------------------------------------------------------------ connections
def _cursor(key: Sequence[Any]) -> str:
    return base64.b64encode(json.dumps(list(key)).encode()).decode()


def _key_of(cursor: str) -> list[Any]:
    try:
        key = json.loads(base64.b64decode(cursor.encode(), validate=True))
    except ValueError:
        raise GraphQLError(f"Please provide a valid cursor: {cursor}") from None
    if not isinstance(key, list):
        raise GraphQLError(f"Please provide a valid cursor: {cursor}")
    return key


class Connection:
    """A keyset page of ``items`` (sorted by ``key``, a tuple of JSON values): ``first``/``after``,
    ``last``/``before``; no bound means GitLab's ``max_page_size``."""

    def __init__(self, items: Sequence[Any], key: Callable[[Any], tuple], wrap: Callable[[Any], Any],
                 first: int | None = None, after: str | None = None, last: int | None = None,
                 before: str | None = None) -> None:
        self.count = len(items)
        keyed = sorted(([list(key(x)), x] for x in items), key=lambda kx: kx[0])
        if after is not None:
            mark = _key_of(after)
            keyed = [(k, x) for k, x in keyed if k > mark]
        if before is not None:
            mark = _key_of(before)
            keyed = [(k, x) for k, x in keyed if k < mark]
        more_after = more_before = False
        if first is not None or last is None:
            n = min(max(first if first is not None else MAX_PAGE, 0), MAX_PAGE)
            more_after, keyed = len(keyed) > n, keyed[:n]
        if last is not None:
            n = min(max(last, 0), MAX_PAGE)
            more_before, keyed = len(keyed) > n, keyed[-n:] if n else []
        self.page, self.wrap = keyed, wrap
        self.pageInfo = {  # noqa: N815 - GraphQL field names
            "hasNextPage": more_after, "hasPreviousPage": more_before or after is not None,
            "startCursor": _cursor(keyed[0][0]) if keyed else None,
            "endCursor": _cursor(keyed[-1][0]) if keyed else None,
        }

    def nodes(self, _info: Any) -> list[Any]:
        return [self.wrap(x) for _k, x in self.page]


# ------------------------------------------------------------------ object wrappers
def user(p: Person | None, web: str) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"id": gid("User", p.gl_id), "username": p.gl_username, "name": p.name, "bot": p.is_bot,
            "webUrl": f"{web}/{p.gl_username}", "state": "active"}


def note(c: Comment, parent_url: str, web: str) -> dict[str, Any]:
    diff = c.kind == "review_comment"
    out = {"id": gid("DiffNote" if diff else "Note", c.id), "body": c.body, "system": c.kind == "system",
           "internal": False, "createdAt": iso_z(c.created_at), "updatedAt": iso_z(c.updated_at),
           "author": user(c.author, web), "url": f"{parent_url}#note_{c.id}", "resolvable": diff,
           "resolved": bool(diff and c.resolved), "position": None}
    if diff:
        out["position"] = {"filePath": c.path, "newPath": c.path, "oldPath": c.path, "newLine": c.line,
                           "oldLine": None, "positionType": "text"}
    return out


class MergeRequestNode:
    def __init__(self, pr: PullRequest, org: Org, web: str) -> None:
        self.pr, self.web = pr, web
        self.id, self.iid = gid("MergeRequest", pr.id), str(pr.number)
        self.title, self.description = pr.title, pr.body
        self.state, self.draft = glr.STATE[pr.state], False
        self.createdAt, self.updatedAt = iso_z(pr.created_at), iso_z(pr.updated_at)  # noqa: N815
        merged = pr.merged_at is not None
        self.mergedAt = iso_z(pr.merged_at) if pr.merged_at else None  # noqa: N815
        self.closedAt = iso_z(pr.closed_at) if pr.closed_at and not merged else None  # noqa: N815
        self.webUrl = f"{web}/{pr.repo}/-/merge_requests/{pr.number}"  # noqa: N815
        self.userNotesCount = sum(1 for c in pr.comments if c.kind != "system")  # noqa: N815
        self.author = user(pr.author, web)
        self.mergeUser = user(pr.merged_by, web) if merged else None  # noqa: N815

    def labels(self, _info: Any, **page: Any) -> Connection:
        return Connection(list(self.pr.labels), lambda n: (n,),
                          lambda n: {"id": gid("ProjectLabel", zlib.crc32(n.encode())), "title": n, "color": "#ededed"},
                          **page)

    def reviewers(self, _info: Any, **page: Any) -> Connection:
        people = list(self.pr.requested_reviewers)
        return Connection(people, lambda p: (people.index(p),), lambda p: user(p, self.web), **page)

    def approvedBy(self, _info: Any, **page: Any) -> Connection:  # noqa: N802
        return Connection([a.user for a in self.pr.approvals], lambda p: (p.gl_id,), lambda p: user(p, self.web),
                          **page)

    def notes(self, _info: Any, **page: Any) -> Connection:
        return Connection(self.pr.comments, lambda c: (c.created_at.isoformat(), c.id),
                          lambda c: note(c, self.webUrl, self.web), **page)


MR_ORDER: dict[str, Callable[[PullRequest], tuple]] = {
    "CREATED_ASC": lambda p: (p.created_at.isoformat(), p.id),
    "CREATED_DESC": lambda p: (p.created_at.isoformat(), p.id),
    "UPDATED_ASC": lambda p: (p.updated_at.isoformat(), p.id),
    "UPDATED_DESC": lambda p: (p.updated_at.isoformat(), p.id),
}


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise GraphQLError(f"Time type must be a valid ISO 8601 time string, got {value!r}") from None


class ProjectNode:
    def __init__(self, org: Org, full_name: str, web: str) -> None:
        self.org, self.web = org, web
        r = org.repo(full_name)
        self.r, self.id, self.fullPath = r, gid("Project", r.id), r.full_name  # noqa: N815
        self.webUrl = f"{web}/{r.full_name}"  # noqa: N815

    def mergeRequest(self, _info: Any, iid: str) -> MergeRequestNode | None:  # noqa: N802
        try:
            return MergeRequestNode(self.org.pull(self.r.full_name, int(iid)), self.org, self.web)
        except (KeyError, ValueError):
            return None

    def mergeRequests(self, _info: Any, iids: list[str] | None = None, state: str | None = None,  # noqa: N802
                      updatedAfter: str | None = None, updatedBefore: str | None = None,  # noqa: N803
                      sort: str | None = None, **page: Any) -> Connection:
        items = list(self.org.pulls.get(self.r.full_name, []))
        after, before = _time(updatedAfter), _time(updatedBefore)
        items = [p for p in items if (after is None or p.updated_at >= after)
                 and (before is None or p.updated_at <= before)
                 and (state in (None, "all") or glr.STATE[p.state] == state)
                 and (iids is None or str(p.number) in iids)]
        order = sort or "CREATED_DESC"
        key = MR_ORDER[order]
        if order.endswith("_DESC"):  # keyset cursors compare ascending: reverse the key's order instead
            return Connection(items, lambda p: tuple(_desc(v) for v in key(p)),
                              lambda p: MergeRequestNode(p, self.org, self.web), **page)
        return Connection(items, key, lambda p: MergeRequestNode(p, self.org, self.web), **page)


def _desc(v: Any) -> Any:
    """A key part whose order is reversed: numbers negated, text complemented character by character."""
    return -v if isinstance(v, int) else "".join(chr(0x10FFFF - ord(ch)) for ch in str(v))


class Root:
    def __init__(self, org: Org, req: Request, score: int) -> None:
        self.org, self.req, self.score = org, req, score

    def project(self, _info: Any, fullPath: str) -> ProjectNode | None:  # noqa: N803
        try:
            found = self.org.repo(fullPath)
        except KeyError:
            return None
        return ProjectNode(self.org, found.full_name, self.req.host_url) if found.forge == GITLAB else None

    def currentUser(self, _info: Any) -> dict[str, Any] | None:  # noqa: N802
        return user(self.org.humans()[0], self.req.host_url)

    def metadata(self, _info: Any) -> dict[str, Any]:
        return {"version": "17.5.0-sim", "revision": "simulated", "enterprise": False}

    def queryComplexity(self, _info: Any) -> dict[str, int]:  # noqa: N802
        return {"limit": MAX_COMPLEXITY, "score": self.score}


# ------------------------------------------------------------------ complexity
def complexity(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> int:
    """GitLab's score: each field 1 plus its subtree; a connection (``first``/``last``, or a paginated field
    asked without them) adds 1 % of that per item it may return (GitLab's ``complexity_multiplier``)."""
    doc = parse(query)
    frags = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)
           and (operation is None or (d.name and d.name.value == operation))]
    return int(sum(_score(op.selection_set, frags, variables or {}) for op in ops[:1]))


PAGED = {"mergeRequests", "notes", "labels", "reviewers", "approvedBy"}


def _score(sel: SelectionSetNode | None, frags: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> float:
    total = 0.0
    for s in sel.selections if sel else ():
        if isinstance(s, FieldNode):
            args = {a.name.value: value_from_ast_untyped(a.value, variables) for a in s.arguments or ()}
            own = 1 + _score(s.selection_set, frags, variables) + (1 if args else 0)
            if s.name.value in PAGED:
                bound = [v for v in (args.get("first"), args.get("last")) if isinstance(v, int)]
                own += own * min(bound + [MAX_PAGE]) * 0.01
            total += own
        elif isinstance(s, InlineFragmentNode):
            total += _score(s.selection_set, frags, variables)
        elif isinstance(s, FragmentSpreadNode) and s.name.value in frags:
            total += _score(frags[s.name.value].selection_set, frags, variables)
    return total


# ------------------------------------------------------------------ HTTP
def claims(body: bytes) -> bool:
    """Whether a ``POST /api/graphql`` body is a GitLab query (its operation asks GitLab's root fields)."""
    try:
        payload = json.loads(body or b"{}")
        doc = parse(payload["query"])
    except (ValueError, KeyError, TypeError, GraphQLError):
        return False
    for d in doc.definitions:
        if isinstance(d, OperationDefinitionNode):
            names = {s.name.value for s in d.selection_set.selections if isinstance(s, FieldNode)}
            if names & ROOT_FIELDS:
                return True
    return False


def execute(org: Org, req: Request) -> Response:
    """One GraphQL request; GitLab answers 200 with ``errors`` for a query it refuses."""
    try:
        payload = json.loads(req.body or b"{}")
    except ValueError:
        return Response(400, {"errors": [{"message": "Invalid JSON"}]})
    query = payload.get("query") if isinstance(payload, dict) else None
    if not isinstance(query, str):
        return Response(200, {"errors": [{"message": "No query string was present"}]})
    variables = payload.get("variables") or {}
    try:
        score = complexity(query, variables, payload.get("operationName"))
    except GraphQLError as exc:
        return Response(200, {"errors": [{"message": exc.message}]})
    if score > MAX_COMPLEXITY:
        msg = f"Query has complexity of {score}, which exceeds max complexity of {MAX_COMPLEXITY}"
        return Response(200, {"errors": [{"message": msg}]})
    result = graphql_sync(schema(), query, root_value=Root(org, req, score), variable_values=variables or None,
                          operation_name=payload.get("operationName"))
    return Response(200, answer_body(result, _error_json))


def _error_json(e: GraphQLError) -> dict[str, Any]:
    out: dict[str, Any] = {"message": e.message}
    if e.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in e.locations]
    if e.path:
        out["path"] = list(e.path)
    return out


def register(router: Router) -> None:
    """``/api/graphql`` for GitLab (the server routes a body here only when :func:`claims` says so)."""
    router.add("POST", PATH, execute)
