"""GitHub accounts as REST v3 JSON: users (simple and full), the organisation, and node ids.

Split from ``github_render`` so the repository, pull and issue shapes read apart from the account shapes
every one of them embeds.
"""

from __future__ import annotations

import base64
from typing import Any

from leadsig.simulator.model import Person, iso_z
from leadsig.simulator.org import Org

ORG_ID = 900001


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode().rstrip("=")


def user(p: Person | None, api: str, web: str) -> dict[str, Any] | None:
    if p is None:
        return None
    return simple_user(p.gh_login, p.gh_id, "Bot" if p.is_bot else "User", api, web)


def simple_user(login: str, ident: int, kind: str, api: str, web: str) -> dict[str, Any]:
    """GitHub's ``simple-user``: every account reference (authors, owners, reviewers) has all these keys."""
    u = f"{api}/users/{login}"
    return {
        "login": login,
        "id": ident,
        "node_id": node_id("Organization" if kind == "Organization" else "User", ident),
        "avatar_url": f"{web}/avatars/u/{ident}?v=4",
        "gravatar_id": "",
        "url": u,
        "html_url": f"{web}/{login}",
        "followers_url": f"{u}/followers",
        "following_url": f"{u}/following{{/other_user}}",
        "gists_url": f"{u}/gists{{/gist_id}}",
        "starred_url": f"{u}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{u}/subscriptions",
        "organizations_url": f"{u}/orgs",
        "repos_url": f"{u}/repos",
        "events_url": f"{u}/events{{/privacy}}",
        "received_events_url": f"{u}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def full_user(p: Person, api: str, web: str) -> dict[str, Any]:
    out = user(p, api, web) or {}
    out.update(
        {
            "name": p.name,
            "company": "Acme",
            "blog": "",
            "location": p.region or None,
            "email": None,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": 3,
            "public_gists": 0,
            "followers": 5,
            "following": 2,
            "created_at": iso_z(p.start_date),
            "updated_at": iso_z(p.start_date),
        }
    )
    return out


def org_json(org: Org, api: str, web: str, full: bool = False) -> dict[str, Any]:
    u = f"{api}/orgs/{org.github_org}"
    out: dict[str, Any] = {
        "login": org.github_org,
        "id": ORG_ID,
        "node_id": node_id("Organization", ORG_ID),
        "url": u,
        "repos_url": f"{u}/repos",
        "events_url": f"{u}/events",
        "hooks_url": f"{u}/hooks",
        "issues_url": f"{u}/issues",
        "members_url": f"{u}/members{{/member}}",
        "public_members_url": f"{u}/public_members{{/member}}",
        "avatar_url": f"{web}/avatars/u/{ORG_ID}?v=4",
        "description": "Acme Corp (simulated)",
    }
    if full:
        out.update(
            {
                "name": "Acme",
                "company": "Acme Corp",  # the org schema has no nulls here, unlike a user's
                "blog": "",
                "location": "Remote",
                "email": "opensource@acme.example",
                "is_verified": False,
                "has_organization_projects": True,
                "has_repository_projects": True,
                "public_repos": len(org.repos_of("github")),
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "html_url": f"{web}/{org.github_org}",
                "created_at": "2015-01-01T00:00:00Z",
                "updated_at": iso_z(org.now),
                "type": "Organization",
                "archived_at": None,
            }
        )
    return out


def owner_json(org: Org, api: str, web: str) -> dict[str, Any]:
    """The org as a repository's owner (and a PR head/base ``user``): a ``simple-user`` of type Organization."""
    return simple_user(org.github_org, ORG_ID, "Organization", api, web)
