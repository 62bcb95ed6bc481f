"""The typed configuration every layer reads: one dataclass per section of ``leadsig.yaml``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from leadsig.config.web import WebConfig
from leadsig.errors import Problem, UserError
from leadsig.logs import remember_secret

DEFAULT_PATH_GROUPS: dict[str, list[str]] = {
    "docs": ["docs/**", "**/*.md", "**/*.rst", "adr/**"],
    "ci": [
        ".github/workflows/**", ".gitlab-ci.yml", ".gitlab/ci/**", ".circleci/**", ".buildkite/**", "Jenkinsfile",
        "azure-pipelines.yml", ".pre-commit-config.yaml",
    ],
    "process": [
        "CONTRIBUTING*", "CODEOWNERS", "**/CODEOWNERS", ".github/*TEMPLATE*", ".github/*template*",
        ".github/ISSUE_TEMPLATE/**", ".github/PULL_REQUEST_TEMPLATE/**", ".gitlab/issue_templates/**",
        ".gitlab/merge_request_templates/**",
    ],
}
DEFAULT_BOT_PATTERNS = ["*[bot]", "dependabot*", "renovate*", "*-bot", "github-actions*", "ghost"]
DEFAULT_MIN_GROUP = 5
DEFAULT_RETENTION_MONTHS = {"activity": 12, "signals": 24, "access_log": 24, "feedback": 24}
MIN_ACCESS_LOG_MONTHS = 6  # the access log outlives what it logs, so an audit can still answer


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
    commits: str = "git"  # git: commits from a clone in git_cache; api: one API request per commit, as before
    git_cache: Path | None = None  # the config's git_cache (set by load_config); None: commits through the API

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
        remember_secret(self.token_env, value)  # redacted by value from now on, whatever the variable's name
        if not value:
            raise UserError(Problem(
                f"environment variable {self.token_env} is not set", key=f"sources[{self.name}].token_env",
                hint=f"export {self.token_env}=<token> before running, or remove token_env for anonymous access"))
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


@dataclass(frozen=True)
class ReportsConfig:
    min_group_size: int = DEFAULT_MIN_GROUP  # team/group aggregates only for groups at least this large
    per_person: bool = True  # False: no per-person sections and no per-person CSV rows


@dataclass(frozen=True)
class RetentionConfig:
    """Months each kind of row is kept; None keeps the default of DEFAULT_RETENTION_MONTHS."""

    activity_months: int | None = None
    signals_months: int | None = None
    access_log_months: int | None = None
    feedback_months: int | None = None  # dismissals: kept while their signal is, and at least this long

    def months(self) -> dict[str, int]:
        out = dict(DEFAULT_RETENTION_MONTHS)
        for key in out:
            value = getattr(self, f"{key}_months")
            if value is not None:
                out[key] = value
        out["access_log"] = max(out["access_log"], MIN_ACCESS_LOG_MONTHS)
        return out


@dataclass(frozen=True)
class CheckinsConfig:
    """Where written mentoring check-ins are read from: a folder of Markdown files, and/or the issues with
    ``label`` in ``repo`` (already mined; read from the warehouse)."""

    folder: Path | None = None
    repo: str | None = None
    label: str = "mentoring-checkin"


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
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    rotations: Path | None = None  # rotations.yaml: who held a rotating role (sprint lead, ...) when
    web: WebConfig = field(default_factory=WebConfig)
    tracks: Path | None = None  # None: the built-in technical track
    checkins: CheckinsConfig = field(default_factory=CheckinsConfig)
    git_cache: Path | None = None  # clones the commit stream reads (default: beside the warehouse)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise UserError(Problem(f"no source named {name!r}", key="--source",
                                hint="configured sources: " + ", ".join(s.name for s in self.sources)))
