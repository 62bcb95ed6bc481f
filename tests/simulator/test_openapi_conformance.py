"""Every GitHub GET the simulator serves answers JSON that GitHub's own OpenAPI description accepts.

The description is @octokit/openapi's ``generated/api.github.com.deref.json`` (tens of MB, not in the
repository): ``.ci/run`` installs it with npm and exports ``LEADSIG_OCTOKIT_OPENAPI``; locally::

    npm install --prefix ~/.cache/leadsig-openapi @octokit/openapi@23.0.2
    export LEADSIG_OCTOKIT_OPENAPI=~/.cache/leadsig-openapi/node_modules/@octokit/openapi/generated/\
api.github.com.deref.json

Without it these tests skip.  The miners read real field names through PyGithub, so a renderer that drops a
required field or nests it wrongly shows up here, with the operation and JSON path of each violation.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError, best_match

from leadsig.simulator import GITHUB, ForgeSimulator, build_org, github_events, github_peer_routes, github_routes
from leadsig.simulator.http import Router
from leadsig.simulator.org import Org

OPENAPI_ENV = "LEADSIG_OCTOKIT_OPENAPI"
RATE_LIMIT = "/rate_limit"  # answered by the server itself, outside the router


def _github_templates() -> list[str]:
    router = Router()
    github_events.register(router)
    github_routes.register(router)
    github_peer_routes.register(router)
    return [r.template for r in router.routes if r.method == "GET"] + [RATE_LIMIT]


def _shape(template: str) -> str:
    """``/repos/{owner}/{repo}/pulls/{number}`` and ``.../{pull_number}`` are the same operation."""
    return re.sub(r"\{[^}]+\}", "{}", template)


def openapi_nullable_to_json_schema(node: Any) -> None:
    """OpenAPI 3.0 spells "or null" as ``nullable: true``; JSON Schema validators need a ``null`` type."""
    if isinstance(node, list):
        for x in node:
            openapi_nullable_to_json_schema(x)
        return
    if not isinstance(node, dict):
        return
    for v in node.values():
        openapi_nullable_to_json_schema(v)
    if node.get("nullable") is not True:
        return
    del node["nullable"]
    kind = node.get("type")
    if kind is None:  # nullable allOf/anyOf/oneOf: wrap, as the combinators would reject null
        rest = dict(node)
        node.clear()
        node["anyOf"] = [{"type": "null"}, rest]
        return
    node["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
    if "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]


class Description:
    """GitHub's REST description, loaded once; one compiled validator per operation, made on demand."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.version = doc["info"]["version"]
        self.paths: dict[str, tuple[str, dict[str, Any]]] = {}  # shape -> (path, 200 JSON schema of its GET)
        for path, item in doc["paths"].items():
            ok = item.get("get", {}).get("responses", {}).get("200", {})
            schema = ok.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                self.paths[_shape(path)] = (path, schema)

    def operation(self, template: str) -> str:
        return f"GET {self.paths[_shape(template)][0]}"

    @cache  # noqa: B019 - one Description per session
    def validator(self, template: str) -> Draft4Validator:
        schema = self.paths[_shape(template)][1]
        openapi_nullable_to_json_schema(schema)
        return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def description() -> Description:
    path = os.environ.get(OPENAPI_ENV)
    if not path:
        pytest.skip(
            f"{OPENAPI_ENV} is unset: npm install @octokit/openapi and point it at "
            "generated/api.github.com.deref.json (see .ci/run)"
        )
    return Description(json.loads(Path(path).read_bytes()))


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    """Seed 7 tiny org with a merged, a closed-unmerged and an open PR, replies, bots and unlinked commits."""
    with ForgeSimulator(build_org(seed=7, size="tiny")) as s:
        yield s


# ------------------------------------------------------------------ what to ask for, per template
def _urls(org: Org, template: str) -> list[str]:
    """Concrete requests covering every object of the tiny org the template can return."""
    repos = [r.full_name for r in org.repos_of(GITHUB)]
    pulls = [p for r in repos for p in org.pulls[r]]
    parents = [*pulls, *(i for r in repos for i in org.issues[r])]
    review_comments = [c for p in pulls for c in p.comments if c.kind == "review_comment"]
    conversation = [c for x in parents for c in x.comments if c.kind == "conversation"]
    humans_and_bots = [*org.humans()[:3], *org.bots()]
    every = "?state=all&per_page=100"
    table: dict[str, list[str]] = {
        "/user": ["/user"],
        "/users/{login}": [f"/users/{p.gh_login}" for p in humans_and_bots],
        "/orgs/{org_name}": [f"/orgs/{org.github_org}"],
        "/orgs/{org_name}/repos": [f"/orgs/{org.github_org}/repos?per_page=100"],
        "/repos/{owner}/{repo}": [f"/repos/{r}" for r in repos],
        "/repos/{owner}/{repo}/pulls": [f"/repos/{r}/pulls{every}" for r in repos],
        "/repos/{owner}/{repo}/pulls/comments": [f"/repos/{r}/pulls/comments?per_page=100" for r in repos],
        "/repos/{owner}/{repo}/pulls/comments/{comment_id}": [
            f"/repos/{c.repo}/pulls/comments/{c.id}" for c in review_comments
        ],
        "/repos/{owner}/{repo}/pulls/{number}": [f"/repos/{p.repo}/pulls/{p.number}" for p in pulls],
        "/repos/{owner}/{repo}/pulls/{number}/reviews": [
            f"/repos/{p.repo}/pulls/{p.number}/reviews?per_page=100" for p in pulls if p.reviews
        ],
        "/repos/{owner}/{repo}/pulls/{number}/reviews/{review_id}/comments": [
            f"/repos/{p.repo}/pulls/{p.number}/reviews/{rv.id}/comments?per_page=100" for p in pulls for rv in p.reviews
        ],
        "/repos/{owner}/{repo}/pulls/{number}/comments": [
            f"/repos/{p.repo}/pulls/{p.number}/comments?per_page=100" for p in pulls
        ],
        "/repos/{owner}/{repo}/issues": [f"/repos/{r}/issues{every}" for r in repos],
        "/repos/{owner}/{repo}/issues/comments": [f"/repos/{r}/issues/comments?per_page=100" for r in repos],
        "/repos/{owner}/{repo}/issues/events": [f"/repos/{r}/issues/events?per_page=100" for r in repos],
        "/repos/{owner}/{repo}/issues/comments/{comment_id}": [
            f"/repos/{c.repo}/issues/comments/{c.id}" for c in conversation
        ],
        "/repos/{owner}/{repo}/issues/{number}": [f"/repos/{x.repo}/issues/{x.number}" for x in parents],
        "/repos/{owner}/{repo}/issues/{number}/comments": [
            f"/repos/{x.repo}/issues/{x.number}/comments?per_page=100" for x in parents
        ],
        "/repos/{owner}/{repo}/commits": [f"/repos/{r}/commits?per_page=100" for r in repos],
        "/repos/{owner}/{repo}/commits/{sha}": [
            f"/repos/{c.repo}/commits/{c.sha}" for r in repos for c in org.commits[r]
        ],
        "/repos/{owner}/{repo}/compare/{basehead}": [
            f"/repos/{r}/compare/{c.sha}...main?per_page=5" for r in repos for c in org.commits[r][:3]
        ],
        "/repos/{owner}/{repo}/pulls/{number}/commits": [f"/repos/{p.repo}/pulls/{p.number}/commits" for p in pulls],
        "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers": [
            f"/repos/{p.repo}/pulls/{p.number}/requested_reviewers" for p in pulls
        ],
        "/repos/{owner}/{repo}/issues/{number}/reactions": [f"/repos/{x.repo}/issues/{x.number}/reactions"
                                                            for x in parents[:3]],
        "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": [
            f"/repos/{c.repo}/issues/comments/{c.id}/reactions" for c in conversation[:3]
        ],
        "/repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions": [
            f"/repos/{c.repo}/pulls/comments/{c.id}/reactions" for c in review_comments[:3]
        ],
        "/users/{login}/orgs": [f"/users/{p.gh_login}/orgs" for p in humans_and_bots],
        RATE_LIMIT: [RATE_LIMIT],
    }
    return table.get(template, [])


def _describe(operation: str, err: ValidationError) -> str:
    detail = err.message if len(err.message) < 160 else err.message[:160] + "..."
    if err.context:  # oneOf/anyOf: say what the closest alternative missed
        best = best_match(err.context)
        detail += f" (closest: {best.json_path}: {best.message[:160]})"
    where = re.sub(r"\[\d+\]", "[*]", err.json_path)  # one line for all items of a list
    return f"{operation} {where}: {detail}"


@pytest.mark.parametrize("template", _github_templates())
def test_responses_match_githubs_openapi_schema(description: Description, sim: ForgeSimulator, template: str) -> None:
    assert _shape(template) in description.paths, f"GitHub's description has no GET {template} answering 200 JSON"
    urls = _urls(sim.org, template)
    assert urls, f"add requests for {template} to _urls so its responses get checked"
    validator = description.validator(template)
    violations: dict[str, str] = {}  # one line per (path, message) across all requests -> an example URL
    for url in urls:
        r = requests.get(sim.url + url, timeout=10)
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
        for err in validator.iter_errors(r.json()):
            violations.setdefault(_describe(description.operation(template), err), url)
    report = "\n".join(f"{line}  (e.g. GET {url})" for line, url in violations.items())
    assert not violations, f"{len(violations)} violation(s) of @octokit/openapi {description.version}:\n{report}"


def test_nullable_conversion_accepts_null_and_keeps_types() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": True},
            "b": {"nullable": True, "allOf": [{"type": "object", "required": ["x"]}]},
            "c": {"type": "string", "enum": ["open", "closed"], "nullable": True},
            "d": {"type": "integer"},
        },
    }
    openapi_nullable_to_json_schema(schema)
    v = Draft4Validator(schema)
    assert v.is_valid({"a": None, "b": None, "c": None, "d": 1})
    assert not v.is_valid({"a": 1}) and not v.is_valid({"b": {}}) and not v.is_valid({"c": "merged"})
    assert not v.is_valid({"d": None})
