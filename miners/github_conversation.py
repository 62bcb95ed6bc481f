"""A first run's conversation comments, read nested in the GraphQL PR and issue pages instead of listed.

Through REST, a repo's conversation comments (PRs and issues alike) take the repo-wide
``/issues/comments`` listing: on a large org about 100 of a first run's ~660 rate-limit points. The PR and
issue pages are read anyway, and a ``comments(first: 100)`` connection under each item costs one request
per item by GitHub's formula, so pages of 24 PRs (49 issues) with their comments still cost 1 point each
(:func:`miners.github_graphql.largest_page`). Only on a first run (no watermark for the comment stream or the
pulls): later nights the REST listing with ``since`` (and its probe's ETag) is a page or two, while nesting
would need every updated PR's whole thread.

The rare item whose comments overflow one nested page is listed whole through REST
(``/issues/N/comments``). Comments are mapped to the REST shape :func:`miners.github_convert.
issue_comment_activity` reads, so both paths store the same activities; :meth:`Conversation.listing`
gives them in the REST listing's order (updated, ascending) and with its ``since`` filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from leadsig.miners.github_convert import ts
from leadsig.miners.github_graphql import actor

PULLS, ISSUES = "pulls", "issues"


def comment_rest(node: dict[str, Any], issue_url: str) -> dict[str, Any]:
    """GraphQL ``IssueComment`` -> REST issue comment (what the converter reads; ``issue_url`` names the parent)."""
    value = node.get("fullDatabaseId")
    return {
        "id": int(value) if value is not None else None,
        "user": actor(node.get("author")),
        "body": node.get("body"),
        "html_url": node.get("url"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "author_association": node.get("authorAssociation"),
        "issue_url": issue_url,
    }


class Conversation:
    """The comments nested in one repo's PR and issue pages; complete once both listings went through GraphQL.

    ``issues_url``: the repo's REST issues URL (``.../repos/O/R/issues``), for each comment's ``issue_url``.
    """

    def __init__(self, issues_url: str) -> None:
        self.issues_url = issues_url
        self.comments: list[dict[str, Any]] = []
        self.overflow: list[int] = []  # items with more comments than one nested page
        self.read: set[str] = set()  # which listings brought their comments (PULLS, ISSUES)

    def collector(self, listing: str) -> Callable[[int, dict[str, Any]], None]:
        """The ``on_comments`` callback of one listing; the listing counts as read once it was asked."""
        self.read.add(listing)

        def add(number: int, conn: dict[str, Any]) -> None:
            if (conn.get("pageInfo") or {}).get("hasNextPage"):
                self.overflow.append(number)
                return
            url = f"{self.issues_url}/{number}"
            self.comments += [comment_rest(n, url) for n in conn.get("nodes") or [] if n]
        return add

    def refused(self, listing: str) -> None:
        """GraphQL refused ``listing``: its comments are not here, so the REST listing must answer."""
        self.read.discard(listing)

    @property
    def complete(self) -> bool:
        return {PULLS, ISSUES} <= self.read

    def listing(self, since: datetime, whole: Callable[[int], Iterable[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        """Comments updated at or after ``since``, oldest-updated first (the REST listing's order);
        ``whole(number)`` lists an overflowing item's comments through REST."""
        found = list(self.comments)
        for number in dict.fromkeys(self.overflow):
            found += whole(number)
        found = [c for c in found if (ts(c.get("updated_at")) or since) >= since]
        found.sort(key=lambda c: (ts(c.get("updated_at")) or since, int(c.get("id") or 0)))
        yield from found
