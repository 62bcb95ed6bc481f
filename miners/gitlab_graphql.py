"""The GitLab MR stream through GraphQL: merge requests with their notes nested, one request per page of MRs.

REST needs one notes call per MR (its floor: 5,200 of a large org's 6,001 requests); GraphQL nests a page
of notes under each MR of a page, so a project's MRs cost about one request per ``MR_PAGE`` MRs, plus one
per further page of notes of an MR with more than ``NOTE_PAGE`` notes (asked only for MRs updated since the
watermark, as REST asks notes only for those). Request plan, per project::

    project(fullPath) { mergeRequests(updatedAfter: <watermark>, sort: UPDATED_ASC, first: MR_PAGE, after)
                        { nodes { ...MR, notes(first: NOTE_PAGE) {...}, reviewers, labels, [approvedBy] } } }
    project(fullPath) { mergeRequest(iid) { notes(first: NOTE_PAGE, after) } }     # only when notes go on

Cursors are keyset (GitLab's): an MR updated while we page moves to the end instead of shifting the pages,
and the miner reads it again there (see ``GitLabMiner._pulls``).

The answers are turned into the dicts python-gitlab gives for the REST listing and notes (same keys, the
numeric ids out of the global ids), so :mod:`miners.gitlab_map` makes the same activities from either
path. What GraphQL says better than REST: a user's ``bot`` flag (REST's embedded users have none).

Client: python-gitlab's own HTTP layer (``Gitlab.http_post`` to the absolute GraphQL URL), not its
``gitlab.GraphQL``: that one runs on httpx (gql's transport), outside the ``requests`` session that counts
every request, records the waits of its retries, asks a non-JSON 200 again and refuses a redirect to another
host while the token is on (:mod:`miners.gitlab_client`, :mod:`miners.answers`); on the session, GraphQL
requests get all of that, python-gitlab's retries (429s, 5xx, dropped connections) and its error types.
What is ours: the query text, cursor paging, and the mapping below.

Refusals (:class:`Unavailable`; the miner then uses REST and says so once): no GraphQL endpoint (HTTP 404,
400, 405 or 401: an old or locked-down GitLab, a proxy that passes REST only) or a query the server refuses
(``errors`` in the answer: too complex, an unknown field on an older schema). A project GraphQL cannot see
(``project: null``) goes to REST for that project alone, which names the error properly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import gitlab
from gitlab.exceptions import GitlabAuthenticationError, GitlabHttpError

from leadsig.logs import redact

log = logging.getLogger("leadsig.mine.gitlab")
MR_PAGE = 50  # MRs a request: a page of 50 with 50 notes each scores about 120 of GitLab's 250 complexity
NOTE_PAGE = 50
REFUSING_STATUSES = (400, 401, 404, 405)

USER = "id username name bot"
NOTE = f"id body system createdAt updatedAt resolvable resolved author {{ {USER} }} " \
       "position { newPath oldPath newLine oldLine }"


def notes_field() -> str:
    """A page of notes (the page size read at call time: tests shrink it to make notes go on)."""
    page = "pageInfo { hasNextPage endCursor }"
    return f"notes(first: {NOTE_PAGE}, after: $notesAfter) {{ {page} nodes {{ {NOTE} }} }}"


def mr_query(approvals: bool) -> str:
    """The MR page query; ``approvedBy`` only when the source reads approvals from the approvals API."""
    approved = f"approvedBy(first: 100) {{ nodes {{ {USER} }} }}" if approvals else ""
    return f"""query leadsigMergeRequests($path: ID!, $since: Time, $after: String, $notesAfter: String) {{
  project(fullPath: $path) {{
    mergeRequests(updatedAfter: $since, sort: UPDATED_ASC, first: {MR_PAGE}, after: $after) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        iid title description state draft createdAt updatedAt mergedAt webUrl userNotesCount
        author {{ {USER} }} mergeUser {{ {USER} }}
        labels(first: 100) {{ nodes {{ title }} }}
        reviewers(first: 100) {{ nodes {{ {USER} }} }}
        {approved}
        {notes_field()}
      }}
    }}
  }}
}}"""


def more_notes_query() -> str:
    return f"""query leadsigMoreNotes($path: ID!, $iid: String!, $notesAfter: String) {{
  project(fullPath: $path) {{ mergeRequest(iid: $iid) {{ {notes_field()} }} }}
}}"""


class Unavailable(Exception):
    """GraphQL cannot answer: REST must (``whole_source``: for the rest of the run, else this project only)."""

    def __init__(self, message: str, whole_source: bool = True) -> None:
        super().__init__(message)
        self.whole_source = whole_source


def numeric_id(global_id: str | None) -> int | None:
    """``gid://gitlab/User/12`` -> 12."""
    tail = str(global_id or "").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def rest_user(u: dict[str, Any] | None) -> dict[str, Any] | None:
    if not u:
        return None
    return {"id": numeric_id(u.get("id")), "username": u.get("username"), "name": u.get("name"),
            "bot": bool(u.get("bot"))}


def rest_note(n: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL note as the REST notes listing shapes it (``type`` from the global id's class)."""
    cls = str(n.get("id") or "").split("/")[-2:-1]
    out: dict[str, Any] = {"id": numeric_id(n.get("id")), "type": cls[0] if cls and cls[0] in (
        "DiffNote", "DiscussionNote") else None, "body": n.get("body"), "system": bool(n.get("system")),
        "created_at": n.get("createdAt"), "updated_at": n.get("updatedAt"), "author": rest_user(n.get("author")),
        "resolvable": bool(n.get("resolvable"))}
    pos = n.get("position")
    if pos:
        out["position"] = {"new_path": pos.get("newPath"), "old_path": pos.get("oldPath"),
                           "new_line": pos.get("newLine"), "old_line": pos.get("oldLine")}
        out["resolved"] = bool(n.get("resolved"))
    return out


def rest_mr(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL merge request as the REST MR listing shapes the fields the miner reads."""
    return {"iid": int(node["iid"]), "title": node.get("title"), "description": node.get("description"),
            "state": node.get("state"), "draft": bool(node.get("draft")), "created_at": node.get("createdAt"),
            "updated_at": node.get("updatedAt"), "merged_at": node.get("mergedAt"), "web_url": node.get("webUrl"),
            "user_notes_count": node.get("userNotesCount"), "author": rest_user(node.get("author")),
            "merge_user": rest_user(node.get("mergeUser")),
            "labels": [lb.get("title") for lb in _nodes(node.get("labels"))],
            "reviewers": [rest_user(u) for u in _nodes(node.get("reviewers"))]}


def _nodes(conn: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [x for x in (conn or {}).get("nodes") or [] if x]


class GitLabGraphQL:
    """GraphQL queries through python-gitlab's HTTP layer; errors as the module docstring says."""

    def __init__(self, gl: gitlab.Gitlab, opts: dict[str, Any]) -> None:
        self.gl, self.opts = gl, opts
        self.url = f"{gl.url}/api/graphql"

    def ask(self, query: str, variables: dict[str, Any], repo: str) -> dict[str, Any]:
        """One query's ``data`` (python-gitlab retried what it retries; the session checked the body)."""
        try:
            answer = self.gl.http_post(self.url, post_data={"query": query, "variables": variables}, **self.opts)
        except (GitlabHttpError, GitlabAuthenticationError) as exc:
            if exc.response_code in REFUSING_STATUSES:
                raise Unavailable(f"GitLab GraphQL endpoint answered HTTP {exc.response_code} for {repo}") from exc
            raise
        if not isinstance(answer, dict) or answer.get("errors") or not isinstance(answer.get("data"), dict):
            raise Unavailable(f"GitLab GraphQL refused the query for {repo}: {_messages(answer)}")
        return answer["data"]

    def merge_requests(self, repo: str, since: str, wants_notes: Callable[[dict[str, Any]], bool],
                       approvals: bool) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]] | None,
                                                          dict[str, Any] | None]]:
        """(MR, its notes or None when not wanted, approvals answer or None), oldest update first."""
        query, after = mr_query(approvals), None
        while True:
            data = self.ask(query, {"path": repo, "since": since, "after": after, "notesAfter": None}, repo)
            if data.get("project") is None:
                raise Unavailable(f"GitLab GraphQL does not see project {repo}", whole_source=False)
            conn = data["project"]["mergeRequests"] or {}
            for node in _nodes(conn):
                mr = rest_mr(node)
                notes = self._all_notes(repo, node) if wants_notes(mr) else None
                approved = {"approved_by": [{"user": rest_user(u)} for u in _nodes(node.get("approvedBy"))]}
                yield mr, notes, approved if approvals else None
            page = conn.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return
            after = page.get("endCursor")

    def _all_notes(self, repo: str, node: dict[str, Any]) -> list[dict[str, Any]]:
        conn = node.get("notes") or {}
        notes = [rest_note(n) for n in _nodes(conn)]
        while (conn.get("pageInfo") or {}).get("hasNextPage"):
            data = self.ask(more_notes_query(), {"path": repo, "iid": node["iid"],
                                         "notesAfter": conn["pageInfo"]["endCursor"]}, repo)
            conn = (((data.get("project") or {}).get("mergeRequest")) or {}).get("notes") or {}
            notes += [rest_note(n) for n in _nodes(conn)]
        return notes


def _messages(answer: object) -> str:
    """The GraphQL error messages (forge text: logged, never evaluated)."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    text = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors or [])
    return redact(text[:300] or "no data in the answer")
