"""The GitHub accounts of commits read from git, by GraphQL alias lookups: one commit per distinct author email.

GitHub links a commit to an account by its author email, so every commit with the same email has the same
account: asking one commit per email (``c0: object(oid: ...) { ... on Commit { author { email user { login
databaseId } } } }``, up to ``ALIASES`` a request) answers them all. No lookup is a connection, so a request
costs 1 rate-limit point by GitHub's formula, where the REST commit listing spent a page per 100 commits.

``GitActor.user`` is a User: a GitHub App's commit (``dependabot[bot]``) has none there, where REST's
``author`` names the Bot. Apps commit with their noreply address (``<id>+<login>@users.noreply.github.com``),
which names the account, so such an email with no user is read as that account (a Bot when the login ends
in ``[bot]``); any other email with no user is linked to no account, as REST's ``author: null`` says.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from github import Github

log = logging.getLogger("leadsig.mine.github")

ALIASES = 100  # commits asked per request (a query of plain fields: 1 point whatever the number)
NOREPLY = re.compile(r"^(?P<id>\d+)\+(?P<login>[^@\s]+)@users\.noreply\.github\.com$", re.IGNORECASE)


def _query(count: int) -> str:
    lookup = "... on Commit { author { email user { login databaseId } } }"
    fields = "\n".join(f"    c{i}: object(oid: $o{i}) {{ {lookup} }}" for i in range(count))
    params = ", ".join(f"$o{i}: GitObjectID!" for i in range(count))
    return (f"query LeadsigCommitAuthors($owner: String!, $name: String!, {params}) {{\n"
            f"  rateLimit {{ cost remaining resetAt }}\n"
            f"  repository(owner: $owner, name: $name) {{\n{fields}\n  }}\n}}\n")


def account(email: str | None, user: dict[str, Any] | None) -> dict[str, Any] | None:
    """REST's ``author`` of a commit (login, id, type) from the GitActor's user, or from a noreply address."""
    if user and user.get("login"):
        return {"login": user["login"], "id": user.get("databaseId"), "type": "User"}
    found = NOREPLY.match(email or "")
    if found is None:
        return None
    name = found["login"]
    return {"login": name, "id": int(found["id"]), "type": "Bot" if name.endswith("[bot]") else "User"}


def commit_accounts(gh: Github, repo: str, commits: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any] | None]:
    """``{email: REST author or None}`` for ``(sha, author email)`` pairs; one commit asked per email."""
    first: dict[str, str] = {}
    for sha, email in commits:
        first.setdefault(email, sha)
    owner, name = repo.split("/", 1)
    out: dict[str, dict[str, Any] | None] = {}
    pairs = list(first.items())
    for start in range(0, len(pairs), ALIASES):
        page = pairs[start:start + ALIASES]
        variables: dict[str, Any] = {"owner": owner, "name": name, **{f"o{i}": sha for i, (_, sha) in enumerate(page)}}
        _, body = gh.requester.graphql_query(_query(len(page)), variables)
        found = ((body.get("data") or {}).get("repository")) or {}
        for i, (email, _) in enumerate(page):
            author = ((found.get(f"c{i}") or {}).get("author")) or {}
            out[email] = account(email, author.get("user"))
    return out
