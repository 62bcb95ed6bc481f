"""The leadsig configuration file (``leadsig.yaml``), validated into typed objects.

Every mistake is reported with file, line, key and a hint, all at once, before anything is written.
Tokens are never read here: a source only names the environment variable, read when it is used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from leadsig.errors import Problem, UserError
from leadsig.yamlfile import did_you_mean, key_line, load_yaml, value_line

DEFAULT_PATH_GROUPS: dict[str, list[str]] = {
    "docs": ["docs/**", "**/*.md", "**/*.rst", "adr/**"],
    "ci": [".github/workflows/**", ".gitlab-ci.yml"],
    "process": ["CONTRIBUTING*", "CODEOWNERS", ".github/*TEMPLATE*", "**/CODEOWNERS"],
}
DEFAULT_BOT_PATTERNS = ["*[bot]", "dependabot*", "renovate*", "*-bot", "github-actions*", "ghost"]


@dataclass
class SourceConfig:
    kind: str  # github | gitlab
    url: str
    token_env: str | None = None
    name: str = ""
    orgs: list[str] = field(default_factory=list)  # github
    repos: list[str] = field(default_factory=list)  # github
    groups: list[str] = field(default_factory=list)  # gitlab
    projects: list[str] = field(default_factory=list)  # gitlab
    exclude: list[str] = field(default_factory=list)
    per_page: int = 100
    seconds_between_requests: float | None = None  # None: library default (PyGithub 0.25 s)
    max_retries: int = 8
    timeout: float = 30.0
    graphql: bool = True  # github: pulls stream through GraphQL (needs a token); false forces REST
    approvals_api: bool = False  # gitlab: also read the approvals API (one more call per MR; notes suffice)

    @property
    def host(self) -> str:
        """Host used in activity ids (api.github.com -> github.com; Enterprise keeps its host)."""
        netloc = urlparse(self.url).netloc
        return "github.com" if netloc == "api.github.com" else netloc

    def token(self) -> str | None:
        """Read the token only now, when the source is used. Never log the result."""
        if not self.token_env:
            return None
        value = os.environ.get(self.token_env)
        if not value:
            raise UserError(
                Problem(
                    f"environment variable {self.token_env} is not set",
                    key=f"sources[{self.name}].token_env",
                    hint=f"export {self.token_env}=<token> before running, or remove token_env for anonymous access",
                )
            )
        return value


@dataclass
class TeamConfig:
    name: str
    repos: list[str] = field(default_factory=list)  # glob patterns


@dataclass
class ScheduleConfig:
    nightly: str = "0 2 * * *"
    monthly_report: str = "0 6 1 * *"
    timezone: str = "UTC"


@dataclass
class Config:
    path: Path
    warehouse: str
    roster: Path | None
    since: date
    rules: list[str]
    path_groups: dict[str, list[str]]
    sources: list[SourceConfig]
    teams: dict[str, TeamConfig]
    schedule: ScheduleConfig
    reports_out_dir: Path
    bot_patterns: list[str]
    extra: dict[str, Any] = field(default_factory=dict)  # sections owned by later features (retention, ...)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise UserError(
            Problem(
                f"no source named {name!r}",
                key="--source",
                hint="configured sources: " + ", ".join(s.name for s in self.sources),
            )
        )


TOP_KEYS = {
    "warehouse",
    "roster",
    "since",
    "rules",
    "path_groups",
    "sources",
    "teams",
    "schedule",
    "reports",
    "bots",
    "retention",
    "privacy",
}
SOURCE_KEYS = {
    "kind",
    "name",
    "url",
    "token_env",
    "orgs",
    "repos",
    "groups",
    "projects",
    "exclude",
    "per_page",
    "seconds_between_requests",
    "max_retries",
    "timeout",
    "graphql",
    "approvals_api",
}
CRON_RE = re.compile(r"^\s*(\S+\s+){4}\S+\s*$")


class _Checker:
    """Collects every problem of one file, so the user fixes them in one go."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.problems: list[Problem] = []

    def at(
        self,
        node: Any,
        key: Any,
        dotted: str,
        message: str,
        hint: str | None = None,
        code: str = "invalid",
        value: bool = True,
    ) -> None:
        line, col = value_line(node, key) if value else key_line(node, key)
        self.problems.append(Problem(message, file=self.path, line=line, col=col, key=dotted, hint=hint, code=code))

    def unknown_keys(self, node: Any, allowed: set[str], prefix: str) -> None:
        for k in node:
            if k not in allowed:
                hint = did_you_mean(str(k), sorted(allowed)) or "allowed keys: " + ", ".join(sorted(allowed))
                self.at(node, k, f"{prefix}{k}", "unknown key", hint, code="unknown-key", value=False)

    def str_list(self, node: Any, key: str, dotted: str) -> list[str]:
        value = node.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.at(node, key, dotted, "expected a list of strings", hint=f"{key}: [a, b]", code="type")
            return []
        return [str(v) for v in value]


def load_config(path: str | Path | None = None) -> Config:
    path = Path(path or "leadsig.yaml")
    data = load_yaml(path, "config")
    c = _Checker(path)
    if not isinstance(data, dict):
        raise UserError(
            Problem(
                "the config must be a mapping of keys (warehouse:, sources:, ...)",
                file=str(path),
                line=1,
                code="type",
            )
        )
    c.unknown_keys(data, TOP_KEYS, "")
    base = path.resolve().parent
    warehouse = _warehouse(c, data, base)
    roster = None
    if data.get("roster") is not None:
        if not isinstance(data["roster"], str):
            c.at(data, "roster", "roster", "expected a file path", code="type")
        else:
            roster = (base / data["roster"]).resolve()
    since = _since(c, data)
    rules = c.str_list(data, "rules", "rules") if "rules" in data else ["default"]
    path_groups = _path_groups(c, data)
    sources = _sources(c, data)
    teams = _teams(c, data)
    schedule = _schedule(c, data)
    out_dir = base / "reports" / "out"
    rep = data.get("reports")
    if rep is not None:
        if not isinstance(rep, dict):
            c.at(
                data,
                "reports",
                "reports",
                "expected a mapping",
                hint="reports: {out_dir: reports/out}",
                code="type",
            )
        else:
            c.unknown_keys(rep, {"out_dir", "per_person", "min_group_size"}, "reports.")
            if "out_dir" in rep:
                out_dir = base / str(rep["out_dir"])
    bots = data.get("bots") or {}
    bot_patterns = list(DEFAULT_BOT_PATTERNS)
    if bots:
        if not isinstance(bots, dict):
            c.at(data, "bots", "bots", "expected a mapping", hint='bots: {patterns: ["*-ci"]}', code="type")
        else:
            c.unknown_keys(bots, {"patterns"}, "bots.")
            bot_patterns += c.str_list(bots, "patterns", "bots.patterns")
    _retention(c, data)
    if c.problems:
        raise UserError(c.problems)
    extra = {k: _plain(data[k]) for k in ("retention", "reports") if k in data}
    return Config(
        path=path,
        warehouse=warehouse,
        roster=roster,
        since=since,
        rules=rules,
        path_groups=path_groups,
        sources=sources,
        teams=teams,
        schedule=schedule,
        reports_out_dir=out_dir,
        bot_patterns=bot_patterns,
        extra=extra,
    )


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _warehouse(c: _Checker, data: Any, base: Path) -> str:
    url = data.get("warehouse", "sqlite:///leadsig.db")
    if not isinstance(url, str) or not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
        c.at(
            data,
            "warehouse",
            "warehouse",
            f"not a supported database URL: {url!r}",
            hint="use sqlite:///leadsig.db or postgresql+psycopg://user@host/db",
            code="bad-url",
        )
        return "sqlite:///leadsig.db"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str(base / url[len("sqlite:///") :])  # relative to the config file
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _since(c: _Checker, data: Any) -> date:
    raw = data.get("since")
    if raw is None:
        return (datetime.now(UTC) - timedelta(days=365)).date()
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        c.at(data, "since", "since", f"not a date: {raw!r}", hint="write since: 2025-01-01", code="type")
        return date.today()


def _path_groups(c: _Checker, data: Any) -> dict[str, list[str]]:
    raw = data.get("path_groups")
    if raw is None:
        return {k: list(v) for k, v in DEFAULT_PATH_GROUPS.items()}
    if not isinstance(raw, dict):
        c.at(
            data,
            "path_groups",
            "path_groups",
            "expected a mapping of group name to glob list",
            hint='path_groups: {docs: ["docs/**"]}',
            code="type",
        )
        return {}
    return {str(k): c.str_list(raw, k, f"path_groups.{k}") for k in raw}


def _sources(c: _Checker, data: Any) -> list[SourceConfig]:
    raw = data.get("sources") or []
    if not isinstance(raw, list):
        c.at(
            data,
            "sources",
            "sources",
            "expected a list of sources",
            hint="sources:\n    - kind: github ...",
            code="type",
        )
        return []
    out: list[SourceConfig] = []
    names: set[str] = set()
    for i, node in enumerate(raw):
        dotted = f"sources[{i}]"
        if not isinstance(node, dict):
            line, col = key_line(raw, i)
            c.problems.append(
                Problem(
                    "expected a mapping with kind:, url:, ...",
                    file=c.path,
                    line=line,
                    col=col,
                    key=dotted,
                    code="type",
                )
            )
            continue
        c.unknown_keys(node, SOURCE_KEYS, dotted + ".")
        kind = node.get("kind")
        if kind not in ("github", "gitlab"):
            c.at(
                node,
                "kind",
                f"{dotted}.kind",
                f"unknown source kind {kind!r}",
                hint="kind: github or kind: gitlab",
                code="bad-value",
            )
            continue
        default_url = "https://api.github.com" if kind == "github" else "https://gitlab.com"
        url = str(node.get("url", default_url))
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            c.at(
                node,
                "url",
                f"{dotted}.url",
                f"not an http(s) URL: {url!r}",
                hint=f"e.g. url: {default_url}"
                + (" (Enterprise Server: https://HOST/api/v3)" if kind == "github" else ""),
                code="bad-url",
            )
        token_env = node.get("token_env")
        if token_env is not None and (
            not isinstance(token_env, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", token_env)
        ):
            c.at(
                node,
                "token_env",
                f"{dotted}.token_env",
                "must be the NAME of an environment variable, not a token",
                hint="token_env: GITHUB_TOKEN",
                code="bad-value",
            )
            token_env = None
        name = str(node.get("name") or f"{kind}-{parsed.netloc or i}")
        if name in names:
            c.at(
                node,
                "name" if "name" in node else "kind",
                f"{dotted}.name",
                f"duplicate source name {name!r}",
                hint="give each source a distinct name:",
                code="duplicate",
            )
        names.add(name)
        src = SourceConfig(
            kind=kind,
            url=url.rstrip("/"),
            token_env=token_env,
            name=name,
            orgs=c.str_list(node, "orgs", f"{dotted}.orgs"),
            repos=c.str_list(node, "repos", f"{dotted}.repos"),
            groups=c.str_list(node, "groups", f"{dotted}.groups"),
            projects=c.str_list(node, "projects", f"{dotted}.projects"),
            exclude=c.str_list(node, "exclude", f"{dotted}.exclude"),
        )
        wrong = ("groups", "projects") if kind == "github" else ("orgs", "repos")
        for k in wrong:
            if k in node:
                right = {"groups": "orgs", "projects": "repos", "orgs": "groups", "repos": "projects"}[k]
                c.at(
                    node,
                    k,
                    f"{dotted}.{k}",
                    f"{kind} sources have no {k}",
                    hint=f"use {right}:",
                    code="unknown-key",
                    value=False,
                )
        for k, typ, lo in (
            ("per_page", int, 1),
            ("max_retries", int, 0),
            ("seconds_between_requests", (int, float), 0),
            ("timeout", (int, float), 0),
        ):
            if k in node:
                v = node[k]
                if isinstance(v, bool) or not isinstance(v, typ) or v < lo or (k == "per_page" and v > 100):
                    c.at(
                        node,
                        k,
                        f"{dotted}.{k}",
                        f"bad value {v!r}",
                        hint="per_page: 1-100" if k == "per_page" else f"a number >= {lo}",
                        code="type",
                    )
                else:
                    setattr(src, k, v)
        for key, forge_of_key in (("graphql", "github"), ("approvals_api", "gitlab")):
            if key not in node:
                continue
            v = node[key]
            if kind != forge_of_key:
                c.at(
                    node,
                    key,
                    f"{dotted}.{key}",
                    f"{kind} sources have no {key} setting",
                    hint="remove it",
                    code="unknown-key",
                    value=False,
                )
            elif not isinstance(v, bool):
                c.at(
                    node,
                    key,
                    f"{dotted}.{key}",
                    f"expected true or false, got {v!r}",
                    hint=f"{key}: false",
                    code="type",
                )
            else:
                setattr(src, key, v)
        if not (src.orgs or src.repos or src.groups or src.projects):
            c.at(
                node,
                "kind",
                dotted,
                "source names nothing to mine",
                hint="add orgs:/repos: (GitHub) or groups:/projects: (GitLab)",
                code="empty",
                value=False,
            )
        out.append(src)
    return out


def _teams(c: _Checker, data: Any) -> dict[str, TeamConfig]:
    raw = data.get("teams") or {}
    if not isinstance(raw, dict):
        c.at(
            data,
            "teams",
            "teams",
            "expected a mapping of team name to {repos: [...]}",
            hint='teams: {payments: {repos: ["acme/payments-*"]}}',
            code="type",
        )
        return {}
    out = {}
    for name, node in raw.items():
        if not isinstance(node, dict):
            c.at(
                raw,
                name,
                f"teams.{name}",
                "expected a mapping",
                hint='{repos: ["acme/payments-*"]}',
                code="type",
            )
            continue
        c.unknown_keys(node, {"repos"}, f"teams.{name}.")
        out[str(name)] = TeamConfig(name=str(name), repos=c.str_list(node, "repos", f"teams.{name}.repos"))
    return out


def _schedule(c: _Checker, data: Any) -> ScheduleConfig:
    raw = data.get("schedule")
    sched = ScheduleConfig()
    if raw is None:
        return sched
    if not isinstance(raw, dict):
        c.at(
            data,
            "schedule",
            "schedule",
            "expected a mapping",
            hint='schedule: {nightly: "0 2 * * *"}',
            code="type",
        )
        return sched
    c.unknown_keys(raw, {"nightly", "monthly_report", "timezone"}, "schedule.")
    for k in ("nightly", "monthly_report"):
        if k in raw:
            if not isinstance(raw[k], str) or not CRON_RE.match(raw[k]):
                c.at(
                    raw,
                    k,
                    f"schedule.{k}",
                    f"not a 5-field cron expression: {raw[k]!r}",
                    hint='e.g. "0 2 * * *" (minute hour day month weekday)',
                    code="bad-value",
                )
            else:
                setattr(sched, k, raw[k])
    if "timezone" in raw:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(str(raw["timezone"]))
            sched.timezone = str(raw["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            c.at(
                raw,
                "timezone",
                "schedule.timezone",
                f"unknown time zone {raw['timezone']!r}",
                hint="an IANA name such as UTC or Europe/Berlin",
                code="bad-value",
            )
    return sched


RETENTION_KEYS = ("activity_months", "signals_months", "access_log_months")


def _retention(c: _Checker, data: Any) -> None:
    raw = data.get("retention")
    if raw is None:
        return
    if not isinstance(raw, dict):
        c.at(data, "retention", "retention", "expected a mapping", hint="retention: {activity_months: 12}", code="type")
        return
    c.unknown_keys(raw, set(RETENTION_KEYS), "retention.")
    for k in RETENTION_KEYS:
        v = raw.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            c.at(
                raw,
                k,
                f"retention.{k}",
                f"expected a whole number of months >= 1, got {v!r}",
                hint=f"{k}: 12",
                code="type",
            )
