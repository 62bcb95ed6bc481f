"""The issues stream through GitHub's GraphQL API: issues only, oldest-updated first, since the watermark.

REST's issue listing carries every pull request too (a repo's PRs are most of its pages there, and the pulls
stream reads them already); GraphQL's ``repository.issues`` lists issues alone. Nodes are mapped to the REST
shape :func:`miners.github_convert.issue_activity` reads, so both paths store the same activities.

Cost by GitHub's formula: 1 for the issues plus one request per issue for each nested connection (labels,
assignees; ``comments { totalCount }`` fetches no nodes): 1 + 2 x 74 = 149 requests, rounded to 1 point
(:func:`miners.github_graphql.largest_page`). On a first run each issue's conversation comments come nested
(a third connection, :mod:`miners.github_conversation`): 49 issues a point.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from github import Github

from leadsig.miners.github_graphql import COMMENT_FRAGMENT, COMMENTS_PAGE, NESTED_COMMENTS, item_rest, largest_page

log = logging.getLogger("leadsig.mine.github")

ISSUES_PAGE = largest_page(2)  # labels, assignees: 74
ISSUES_PAGE_NESTED = largest_page(3)  # and the conversation comments: 49
LABELS_PAGE = 100
ASSIGNEES_PAGE = 100

_ISSUES = """
query LeadsigIssues($owner: String!, $name: String!, $first: Int!, $after: String, $since: DateTime,
                    $labels: Int!, $assignees: Int!__COMMENTS_VAR__) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    issues(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: ASC}, filterBy: {since: $since}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        fullDatabaseId
        number
        title
        body
        url
        createdAt
        updatedAt
        closedAt
        state
        author { __typename login }
        labels(first: $labels) { nodes { name } }
        assignees(first: $assignees) { nodes { login } }
        __COMMENTS__
      }
    }
  }
}
"""
ISSUES_QUERY = _ISSUES.replace("__COMMENTS_VAR__", "").replace("__COMMENTS__", "comments { totalCount }")
ISSUES_NESTED_QUERY = _ISSUES.replace("__COMMENTS_VAR__", ", $comments: Int!").replace(
    "__COMMENTS__", NESTED_COMMENTS.replace("{ pageInfo", "{ totalCount pageInfo")) + COMMENT_FRAGMENT


def issue_rest(node: dict[str, Any]) -> dict[str, Any]:
    """The REST issue fields the converters read (no ``pull_request`` key: an issue)."""
    return {
        **item_rest(node),
        "assignees": [{"login": a["login"]} for a in (node.get("assignees") or {}).get("nodes") or []
                      if a and a.get("login")],
        "comments": (node.get("comments") or {}).get("totalCount"),
    }


def list_issues(gh: Github, repo: str, since: datetime,
                on_comments: Callable[[int, dict[str, Any]], None] | None = None) -> Iterator[dict[str, Any]]:
    """Issues updated at or after ``since``, oldest-updated first (REST-shaped), through PyGithub's requester.
    ``on_comments``: each issue's nested conversation-comment connection goes to it (the query nests them)."""
    owner, name = repo.split("/", 1)
    nested = on_comments is not None
    variables: dict[str, Any] = {"owner": owner, "name": name, "first": ISSUES_PAGE_NESTED if nested else ISSUES_PAGE,
                                 "after": None, "since": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                 "labels": LABELS_PAGE, "assignees": ASSIGNEES_PAGE,
                                 **({"comments": COMMENTS_PAGE} if nested else {})}
    while True:
        _, body = gh.requester.graphql_query(ISSUES_NESTED_QUERY if nested else ISSUES_QUERY, variables)
        data = body.get("data") or {}
        log.debug("GitHub GraphQL issues %s: rate limit %s", repo, data.get("rateLimit"))
        conn = (data.get("repository") or {}).get("issues") or {}
        for node in conn.get("nodes") or []:
            if node:
                if on_comments is not None:
                    on_comments(node["number"], node.get("comments") or {})
                yield issue_rest(node)
        page = conn.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        variables["after"] = page.get("endCursor")
