"""The ``sources:`` section: which forges to mine, and how politely."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlparse

from leadsig.collect import Collector
from leadsig.config.model import SourceConfig

SOURCE_KEYS = {"kind", "name", "url", "token_env", "orgs", "repos", "groups", "projects", "exclude", "per_page",
               "seconds_between_requests", "max_retries", "timeout", "graphql", "approvals_api", "commits"}
NUMBERS = (("per_page", int, 1), ("max_retries", int, 0), ("seconds_between_requests", (int, float), 0),
           ("timeout", (int, float), 0))
FORGE_SWITCHES = (("graphql", ("github", "gitlab")), ("approvals_api", ("gitlab",)))  # key, kinds that take it
OTHER_FORGE_KEY = {"groups": "orgs", "projects": "repos", "orgs": "groups", "repos": "projects"}


def read_sources(c: Collector, data: Any) -> list[SourceConfig]:
    raw = data.get("sources") or []
    if not isinstance(raw, list):
        c.at(data, "sources", "sources", "expected a list of sources", hint="sources:\n    - kind: github ...",
             code="type")
        return []
    out: list[SourceConfig] = []
    names: set[str] = set()
    for i, node in enumerate(raw):
        dotted = f"sources[{i}]"
        if not isinstance(node, dict):
            c.item(raw, i, dotted, "expected a mapping with kind:, url:, ...")
            continue
        src = _source(c, node, dotted, i)
        if src is None:
            continue
        if src.name in names:
            c.at(node, "name" if "name" in node else "kind", f"{dotted}.name", f"duplicate source name {src.name!r}",
                 hint="give each source a distinct name:", code="duplicate")
        names.add(src.name)
        out.append(src)
    return out


def _source(c: Collector, node: dict, dotted: str, index: int) -> SourceConfig | None:
    c.unknown_keys(node, SOURCE_KEYS, dotted + ".")
    kind = node.get("kind")
    if kind not in ("github", "gitlab"):
        c.at(node, "kind", f"{dotted}.kind", f"unknown source kind {kind!r}", hint="kind: github or kind: gitlab",
             code="bad-value")
        return None
    url = _url(c, node, dotted, kind)
    netloc = urlparse(url).netloc
    src = SourceConfig(kind=kind, url=url.rstrip("/"), token_env=_token_env(c, node, dotted),
                       name=_name(c, node, dotted, f"{kind}-{netloc or index}"),
                       orgs=c.str_list(node, "orgs", f"{dotted}.orgs"),
                       repos=c.str_list(node, "repos", f"{dotted}.repos"),
                       groups=c.str_list(node, "groups", f"{dotted}.groups"),
                       projects=c.str_list(node, "projects", f"{dotted}.projects"),
                       exclude=c.str_list(node, "exclude", f"{dotted}.exclude"))
    _wrong_forge_keys(c, node, dotted, kind)
    _numbers(c, node, dotted, src)
    _switches(c, node, dotted, src)
    _commits(c, node, dotted, src)
    if not (src.orgs or src.repos or src.groups or src.projects):
        c.at(node, "kind", dotted, "source names nothing to mine",
             hint="add orgs:/repos: (GitHub) or groups:/projects: (GitLab)", code="empty", value=False)
    return src


def _url(c: Collector, node: dict, dotted: str, kind: str) -> str:
    default_url = "https://api.github.com" if kind == "github" else "https://gitlab.com"
    url = str(node.get("url", default_url))
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        enterprise = " (Enterprise Server: https://HOST/api/v3)" if kind == "github" else ""
        c.at(node, "url", f"{dotted}.url", f"not an http(s) URL: {url!r}", hint=f"e.g. url: {default_url}{enterprise}",
             code="bad-url")
    return url


def _token_env(c: Collector, node: dict, dotted: str) -> str | None:
    token_env = node.get("token_env")
    if token_env is not None and (not isinstance(token_env, str)
                                  or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", token_env)):
        c.at(node, "token_env", f"{dotted}.token_env", "must be the NAME of an environment variable, not a token",
             hint="token_env: GITHUB_TOKEN", code="bad-value")
        return None
    return token_env


def _name(c: Collector, node: dict, dotted: str, default: str) -> str:
    """Names become lock and cursor keys and `--source` values: one path-safe word."""
    name = node.get("name")
    if name is None:
        return default
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", name):
        c.at(node, "name", f"{dotted}.name", f"not a usable source name: {name!r}",
             hint="letters, digits, '.', '_' and '-', e.g. name: github-acme", code="bad-value")
        return default
    return name


def _wrong_forge_keys(c: Collector, node: dict, dotted: str, kind: str) -> None:
    for k in ("groups", "projects") if kind == "github" else ("orgs", "repos"):
        if k in node:
            c.at(node, k, f"{dotted}.{k}", f"{kind} sources have no {k}", hint=f"use {OTHER_FORGE_KEY[k]}:",
                 code="unknown-key", value=False)


def _numbers(c: Collector, node: dict, dotted: str, src: SourceConfig) -> None:
    for k, typ, lo in NUMBERS:
        if k not in node:
            continue
        v = node[k]
        finite = isinstance(v, int) or (isinstance(v, float) and math.isfinite(v))
        if isinstance(v, bool) or not isinstance(v, typ) or not finite or v < lo or (k == "per_page" and v > 100):
            c.at(node, k, f"{dotted}.{k}", f"bad value {v!r}",
                 hint="per_page: 1-100" if k == "per_page" else f"a finite number >= {lo}", code="type")
        else:
            setattr(src, k, v)


def _switches(c: Collector, node: dict, dotted: str, src: SourceConfig) -> None:
    for key, kinds in FORGE_SWITCHES:
        if key not in node:
            continue
        v = node[key]
        if src.kind not in kinds:
            c.at(node, key, f"{dotted}.{key}", f"{src.kind} sources have no {key} setting", hint="remove it",
                 code="unknown-key", value=False)
        elif not isinstance(v, bool):
            c.at(node, key, f"{dotted}.{key}", f"expected true or false, got {v!r}", hint=f"{key}: false", code="type")
        else:
            setattr(src, key, v)


def _commits(c: Collector, node: dict, dotted: str, src: SourceConfig) -> None:
    """``commits: git`` (default: from a clone) or ``commits: api`` (one API request per commit)."""
    if "commits" not in node:
        return
    if node["commits"] not in ("git", "api"):
        c.at(node, "commits", f"{dotted}.commits", f"expected git or api, got {node['commits']!r}",
             hint="commits: git (read a clone) or commits: api (one request per commit)", code="bad-value")
    else:
        src.commits = node["commits"]
