"""The pulls stream through GitHub's GraphQL API: pull requests with their reviews nested, 29 per point.

REST has no repository-wide review listing, so each PR costs one ``/pulls/N/reviews`` call there; here one
request brings a page of PRs and the first ``REVIEWS_PAGE`` reviews of each, with each review's inline
comment count (``comments.totalCount``) and the PR's ``mergedBy``, which the REST listing lacks.

Nodes are mapped to the REST JSON shapes :mod:`miners.github_convert` already reads, so both paths give
the same Activity records (same native ids, URLs and fields). Two GraphQL quirks are undone there: a
bot's login lacks REST's ``[bot]`` suffix, and ids are read from ``fullDatabaseId`` (a BigInt sent as a
string; ``databaseId`` is deprecated because it overflows 32 bits).

The query document is checked against GitHub's published schema (``@octokit/graphql-schema``) and the
simulator's in ``tests/miners/test_github_graphql_query.py``.

Each PR also brings its first ``FILES_PAGE`` changed files (path, line counts: the thread's files and path
groups, which REST would read with one ``/pulls/N/files`` call per PR) and the review-request events of its
timeline (GitHub drops a reviewer from ``reviewRequests`` once they have reviewed; the events keep them).

Cost by GitHub's documented formula (each bounded connection needs one request per parent node: 1 for the
PRs, 1 per PR for each of labels, review requests, reviews, files and review-request events; ``comments
{ totalCount }`` fetches no nodes): a page of n PRs costs (1 + 5n) / 100 requests rounded to the nearest
point. Pages are sized by :func:`largest_page`: 29 PRs for 1 point. On a first run the PRs' conversation
comments come nested too (one connection more per PR, :mod:`miners.github_conversation`): 24 PRs a point.
The simulator charges the same (``simulator/graphql_cost.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from github import Github, GithubException, UnknownObjectException

from leadsig.miners.github_convert import ts

log = logging.getLogger("leadsig.mine.github")



def largest_page(connections: int) -> int:
    """Items per page for a 1-point query whose items each hold ``connections`` bounded connections.

    GitHub charges (1 + connections x items) / 100 requests, rounded to the nearest point (at least 1): a
    p-point page holds up to (100p + 48) / connections items, so the 48 requests that round down are worth
    most on a 1-point page, which reads the most items per point (PRs, 5 connections: 29 a point at 1 point,
    24.5 at 2 (49 PRs), 23 at 3 (69 PRs)). Kept strictly under 1.5 so no rounding rule can make it 2.
    """
    return (149 - 1) // connections


PULLS_PAGE = largest_page(5)  # labels, review requests, files, review-request events, reviews: 29
PULLS_PAGE_NESTED = largest_page(6)  # and the conversation comments (a first run): 24
COMMENTS_PAGE = 100  # conversation comments per PR or issue inline (the bound costs nothing more); overflow: REST
REVIEWS_PAGE = 40  # reviews per PR inline; a PR with more gets its reviews through REST instead
LABELS_PAGE = 100
REQUESTS_PAGE = 100  # pending review requests, and review-request events of the timeline
FILES_PAGE = 100  # changed files per PR (path and line counts); a bigger PR keeps its first 100

_PULLS = """
query LeadsigPulls($owner: String!, $name: String!, $first: Int!, $after: String, $reviews: Int!,
                   $labels: Int!, $requests: Int!, $files: Int!__COMMENTS_VAR__) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        fullDatabaseId
        number
        title
        body
        url
        createdAt
        updatedAt
        mergedAt
        closedAt
        state
        isDraft
        additions
        deletions
        changedFiles
__COMMENTS__        files(first: $files) { nodes { path additions deletions } }
        author { __typename login }
        mergedBy { __typename login }
        labels(first: $labels) { nodes { name } }
        reviewRequests(first: $requests) {
          nodes {
            requestedReviewer {
              __typename
              ... on User { login }
              ... on Bot { login }
              ... on Team { slug }
            }
          }
        }
        timelineItems(first: $requests, itemTypes: [REVIEW_REQUESTED_EVENT]) {
          nodes {
            ... on ReviewRequestedEvent {
              requestedReviewer {
                __typename
                ... on User { login }
                ... on Bot { login }
                ... on Team { slug }
              }
            }
          }
        }
        reviews(first: $reviews) {
          pageInfo { hasNextPage }
          nodes { ...LeadsigReview }
        }
      }
    }
  }
}

fragment LeadsigReview on PullRequestReview {
  fullDatabaseId
  state
  body
  submittedAt
  url
  authorAssociation
  author { __typename login }
  commit { oid }
  comments { totalCount }
}
"""

# A conversation comment (``IssueComment``: on an issue or a PR), mapped to REST's shape by
# :func:`miners.github_conversation.comment_rest`.
COMMENT_FRAGMENT = """
fragment LeadsigComment on IssueComment {
  fullDatabaseId
  body
  url
  createdAt
  updatedAt
  authorAssociation
  author { __typename login }
}
"""
NESTED_COMMENTS = "comments(first: $comments) { pageInfo { hasNextPage } nodes { ...LeadsigComment } }"


def _pulls_query(nested: bool) -> str:
    if not nested:
        return _PULLS.replace("__COMMENTS_VAR__", "").replace("__COMMENTS__", "")
    return _PULLS.replace("__COMMENTS_VAR__", ", $comments: Int!").replace(
        "__COMMENTS__", f"        {NESTED_COMMENTS}\n") + COMMENT_FRAGMENT


PULLS_QUERY = _pulls_query(nested=False)
PULLS_NESTED_QUERY = _pulls_query(nested=True)  # a first run: each PR's conversation comments too


@dataclass
class Pull:
    """One PR in REST shape; ``reviews`` (REST-shaped review, inline comment count) or None: ask REST."""

    data: dict[str, Any]
    reviews: list[tuple[dict[str, Any], int | None]] | None = None


def actor(node: dict[str, Any] | None) -> dict[str, Any] | None:
    """GraphQL Actor -> REST simple-user (login and type: what the converters read)."""
    if not node or not node.get("login"):
        return None
    kind = node.get("__typename") or "User"
    name = node["login"]
    if kind == "Bot" and not name.endswith("[bot]"):
        name += "[bot]"  # REST's spelling, so a bot is one account across streams
    return {"login": name, "type": kind}


def _id(node: dict[str, Any]) -> int | None:
    value = node.get("fullDatabaseId")
    return int(value) if value is not None else None


def review_rest(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _id(node),
        "user": actor(node.get("author")),
        "body": node.get("body"),
        "state": node.get("state"),
        "html_url": node.get("url"),
        "submitted_at": node.get("submittedAt"),
        "commit_id": (node.get("commit") or {}).get("oid"),
        "author_association": node.get("authorAssociation"),
    }


def _reviewers(nodes: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(users and bots in REST shape, teams as ``{"slug": ...}``) of review requests or request events."""
    asked = [(r or {}).get("requestedReviewer") or {} for r in nodes]
    return ([a for a in map(actor, (r for r in asked if r.get("__typename") != "Team")) if a],
            [{"slug": r["slug"]} for r in asked if r.get("__typename") == "Team" and r.get("slug")])


def item_rest(node: dict[str, Any]) -> dict[str, Any]:
    """The REST fields issues and pulls share, from either GraphQL node (one mapping, so both streams agree)."""
    return {
        "id": _id(node),
        "number": node["number"],
        "title": node.get("title"),
        "body": node.get("body"),
        "html_url": node.get("url"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "closed_at": node.get("closedAt"),
        "state": "open" if node.get("state") == "OPEN" else "closed",
        "user": actor(node.get("author")),
        "labels": [{"name": lb["name"]} for lb in (node.get("labels") or {}).get("nodes") or [] if lb],
    }


def pull_rest(node: dict[str, Any]) -> dict[str, Any]:
    """The REST shape, plus what REST's listing lacks: ``files`` (first FILES_PAGE, as ``/pulls/N/files``
    names them) and ``review_requested`` (everyone the timeline says was asked, reviewed since or not)."""
    pending, teams = _reviewers((node.get("reviewRequests") or {}).get("nodes") or [])
    ever, ever_teams = _reviewers((node.get("timelineItems") or {}).get("nodes") or [])
    files = (node.get("files") or {}).get("nodes")
    return {
        **item_rest(node),
        "merged_at": node.get("mergedAt"),
        "draft": bool(node.get("isDraft")),
        "merged_by": actor(node.get("mergedBy")),
        "requested_reviewers": pending,
        "requested_teams": teams,
        "review_requested": ever,
        "review_requested_teams": ever_teams,
        "additions": node.get("additions"),
        "deletions": node.get("deletions"),
        "changed_files": node.get("changedFiles"),
        **({"files": [{"filename": f["path"], "additions": f.get("additions"), "deletions": f.get("deletions")}
                      for f in files if f and f.get("path")]} if files is not None else {}),
    }


def pull_of(node: dict[str, Any]) -> Pull:
    reviews = node.get("reviews") or {}
    if (reviews.get("pageInfo") or {}).get("hasNextPage"):
        return Pull(pull_rest(node))  # more reviews than one nested page: REST lists them all
    nested = [(review_rest(r), (r.get("comments") or {}).get("totalCount")) for r in reviews.get("nodes") or [] if r]
    return Pull(pull_rest(node), nested)


def list_pulls(gh: Github, repo: str, since: datetime,
               on_comments: Callable[[int, dict[str, Any]], None] | None = None) -> Iterator[Pull]:
    """PRs updated at or after ``since``, newest-updated first, through PyGithub's requester.

    ``graphql_query`` goes through the same requester as REST calls, so GithubRetry (5xx, dropped
    connections, secondary and primary limits) and the request counter apply to it unchanged.
    ``on_comments``: each PR's nested conversation-comment connection goes to it (the query nests them).
    """
    owner, name = repo.split("/", 1)
    nested = on_comments is not None
    variables: dict[str, Any] = {"owner": owner, "name": name, "first": PULLS_PAGE_NESTED if nested else PULLS_PAGE,
                                 "after": None, "reviews": REVIEWS_PAGE, "labels": LABELS_PAGE,
                                 "requests": REQUESTS_PAGE, "files": FILES_PAGE,
                                 **({"comments": COMMENTS_PAGE} if nested else {})}
    query = PULLS_NESTED_QUERY if nested else PULLS_QUERY
    seen: set[int] = set()
    while True:
        _, body = gh.requester.graphql_query(query, variables)
        data = body.get("data") or {}
        log.debug("GitHub GraphQL %s: rate limit %s", repo, data.get("rateLimit"))
        conn = (data.get("repository") or {}).get("pullRequests") or {}
        for node in conn.get("nodes") or []:
            if not node:
                continue
            updated = ts(node.get("updatedAt"))
            if updated is not None and updated < since:
                return
            if node["number"] not in seen:  # a PR updated while paging moves up; it was already read
                seen.add(node["number"])
                if on_comments is not None:
                    on_comments(node["number"], node.get("comments") or {})
                yield pull_of(node)
        page = conn.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        variables["after"] = page.get("endCursor")


def refused(exc: GithubException, repo: str, what: str) -> bool:
    """True when the server refused a GraphQL query so that REST must answer instead (said once in the log):
    an Enterprise Server whose schema lacks these fields (400, GraphQL errors), no token (401: GitHub's GraphQL
    API needs one), or no GraphQL endpoint at all (an HTTP 404: an old Enterprise Server, a proxy that passes
    REST only). False for GraphQL's own NOT_FOUND (the repository does not exist: fail it, as REST would) and
    for HTTP failures GithubRetry already retried."""
    if isinstance(exc, UnknownObjectException):
        if _graphql_errors(exc):
            return False
        log.warning("GitHub GraphQL endpoint not found (HTTP 404) for %s; using REST for this source", repo)
        return True
    if exc.status not in (400, 401):
        return False
    log.warning("GitHub GraphQL rejected the %s query for %s (%s); using REST for this source", what, repo,
                _messages(exc))
    return True


def _graphql_errors(exc: GithubException) -> list[object]:
    """The ``errors`` of a GraphQL answer; none when the endpoint itself answered an HTTP error."""
    data = exc.data if isinstance(exc.data, dict) else {}
    errors = data.get("errors")
    return errors if isinstance(errors, list) else []


def _messages(exc: GithubException) -> str:
    """The GraphQL error messages of a rejected query (forge text: logged, never evaluated)."""
    data = exc.data if isinstance(exc.data, dict) else {}
    errors = data.get("errors") or ([{"message": f"{exc.status} {data['message']}"}] if data.get("message") else [])
    return "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict))[:300] or str(exc.status)
