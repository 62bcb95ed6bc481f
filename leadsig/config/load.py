"""Reading ``leadsig.yaml``: every section checked, every problem located, all reported at once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadsig.collect import Collector
from leadsig.config.model import (
    DEFAULT_BOT_PATTERNS,
    DEFAULT_PATH_GROUPS,
    CheckinsConfig,
    Config,
    ReportsConfig,
    RetentionConfig,
    ScheduleConfig,
    TeamConfig,
)
from leadsig.config.sources import read_sources
from leadsig.config.web import read_web
from leadsig.errors import Problem, UserError
from leadsig.yamlfile import load_yaml

TOP_KEYS = {"warehouse", "roster", "rotations", "since", "rules", "path_groups", "sources", "teams", "schedule",
            "reports", "bots", "retention", "web", "tracks", "checkins", "git_cache"}
CRON_RE = re.compile(r"^\s*(\S+\s+){4}\S+\s*$")
RETENTION_KEYS = ("activity_months", "signals_months", "access_log_months", "feedback_months")
MAX_RETENTION_MONTHS = 1200  # a hundred years: anything longer is a typo, and date arithmetic would overflow
EARLIEST_SINCE = date(1970, 1, 1)  # forges answer 422 to dates before the Unix epoch


def load_config(path: str | Path | None = None) -> Config:
    path = Path(path or "leadsig.yaml")
    data = load_yaml(path, "config")
    if not isinstance(data, dict):
        raise UserError(Problem("the config must be a mapping of keys (warehouse:, sources:, ...)", file=str(path),
                                line=1, code="type"))
    c = Collector(str(path))
    c.unknown_keys(data, TOP_KEYS, "")
    base = path.resolve().parent
    cfg = Config(path=path, warehouse=_warehouse(c, data, base), roster=_file(c, data, "roster", base),
                 rotations=_file(c, data, "rotations", base), since=_since(c, data),
                 rules=c.str_list(data, "rules", "rules") if "rules" in data else ["default"],
                 path_groups=_path_groups(c, data), sources=read_sources(c, data), teams=_teams(c, data),
                 schedule=_schedule(c, data), reports_out_dir=_out_dir(c, data, base), bot_patterns=_bots(c, data),
                 reports=_reports(c, data), retention=_retention(c, data), web=read_web(c, data),
                 tracks=_file(c, data, "tracks", base), checkins=_checkins(c, data, base))
    cfg.git_cache = _git_cache(c, data, base, cfg.warehouse)
    for src in cfg.sources:
        src.git_cache = cfg.git_cache
    c.raise_if_any()
    return cfg


def _section(c: Collector, data: Any, key: str, hint: str) -> dict | None:
    """The mapping under ``key``, or None when absent or not a mapping (then reported)."""
    raw = data.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        c.at(data, key, key, "expected a mapping", hint=hint, code="type")
        return None
    return raw


def _warehouse(c: Collector, data: Any, base: Path) -> str:
    url = data.get("warehouse", "sqlite:///leadsig.db")
    if not isinstance(url, str) or not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
        c.at(data, "warehouse", "warehouse", f"not a supported database URL: {url!r}",
             hint="use sqlite:///leadsig.db or postgresql+psycopg://user@host/db", code="bad-url")
        return "sqlite:///leadsig.db"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = "sqlite:///" + str(base / url[len("sqlite:///") :])  # relative to the config file
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _file(c: Collector, data: Any, key: str, base: Path) -> Path | None:
    """A file named relative to the config (roster:, rotations:, tracks:, checkins.folder)."""
    if data.get(key) is None:
        return None
    if not isinstance(data[key], str):
        c.at(data, key, key, "expected a file path", hint=f"{key}: {key if key != 'roster' else 'people'}.yaml",
             code="type")
        return None
    return (base / data[key]).resolve()


def _checkins(c: Collector, data: Any, base: Path) -> CheckinsConfig:
    raw = _section(c, data, "checkins", "checkins:\n  folder: checkins/\n  repo: acme/mentoring")
    if raw is None:
        return CheckinsConfig()
    c.unknown_keys(raw, {"folder", "repo", "label"}, "checkins.")
    folder = _file(c, raw, "folder", base)
    repo, label = raw.get("repo"), raw.get("label", "mentoring-checkin")
    if repo is not None and (not isinstance(repo, str) or "/" not in repo):
        c.at(raw, "repo", "checkins.repo", f"expected a repository as owner/name, got {repo!r}",
             hint="repo: acme/mentoring", code="bad-value")
        repo = None
    if not isinstance(label, str) or not label.strip():
        c.at(raw, "label", "checkins.label", "expected a label name", hint="label: mentoring-checkin", code="type")
        label = "mentoring-checkin"
    return CheckinsConfig(folder=folder, repo=repo, label=label)


def _since(c: Collector, data: Any) -> date:
    raw = data.get("since")
    today = datetime.now(UTC).date()
    if raw is None:
        return today - timedelta(days=365)
    value = raw.date() if isinstance(raw, datetime) else raw if isinstance(raw, date) else None
    if value is None:
        try:
            value = date.fromisoformat(str(raw))
        except ValueError:
            c.at(data, "since", "since", f"not a date: {raw!r}", hint="write since: 2025-01-01", code="type")
            return today
    if value < EARLIEST_SINCE or value > today:
        c.at(data, "since", "since", f"{value.isoformat()} is {'in the future' if value > today else 'too early'}",
             hint=f"a date between {EARLIEST_SINCE.isoformat()} and today, e.g. since: {today.year - 1}-01-01",
             code="bad-value")
    return value


def _path_groups(c: Collector, data: Any) -> dict[str, list[str]]:
    if data.get("path_groups") is None:
        return {k: list(v) for k, v in DEFAULT_PATH_GROUPS.items()}
    raw = data["path_groups"]
    if not isinstance(raw, dict):
        c.at(data, "path_groups", "path_groups", "expected a mapping of group name to glob list",
             hint='path_groups: {docs: ["docs/**"]}', code="type")
        return {}
    return {str(k): c.str_list(raw, k, f"path_groups.{k}") for k in raw}


def _teams(c: Collector, data: Any) -> dict[str, TeamConfig]:
    raw = _section(c, data, "teams", 'teams: {payments: {repos: ["acme/payments-*"]}}')
    out = {}
    for name, node in (raw or {}).items():
        if not isinstance(node, dict):
            c.at(raw, name, f"teams.{name}", "expected a mapping", hint='{repos: ["acme/payments-*"]}', code="type")
            continue
        c.unknown_keys(node, {"repos"}, f"teams.{name}.")
        out[str(name)] = TeamConfig(name=str(name), repos=c.str_list(node, "repos", f"teams.{name}.repos"))
    return out


def _schedule(c: Collector, data: Any) -> ScheduleConfig:
    sched = ScheduleConfig()
    raw = _section(c, data, "schedule", 'schedule: {nightly: "0 2 * * *"}')
    if raw is None:
        return sched
    c.unknown_keys(raw, {"nightly", "monthly_report", "timezone"}, "schedule.")
    for k in ("nightly", "monthly_report"):
        if k in raw and (not isinstance(raw[k], str) or not CRON_RE.match(raw[k])):
            c.at(raw, k, f"schedule.{k}", f"not a 5-field cron expression: {raw[k]!r}",
                 hint='e.g. "0 2 * * *" (minute hour day month weekday)', code="bad-value")
        elif k in raw:
            setattr(sched, k, raw[k])
    if "timezone" in raw:
        try:
            ZoneInfo(str(raw["timezone"]))
            sched.timezone = str(raw["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            c.at(raw, "timezone", "schedule.timezone", f"unknown time zone {raw['timezone']!r}",
                 hint="an IANA name such as UTC or Europe/Berlin", code="bad-value")
    return sched


def _out_dir(c: Collector, data: Any, base: Path) -> Path:
    raw = data.get("reports")
    if isinstance(raw, dict) and "out_dir" in raw:
        if isinstance(raw["out_dir"], str) and raw["out_dir"].strip():
            return base / raw["out_dir"]
        c.at(raw, "out_dir", "reports.out_dir", "expected a folder path", hint="out_dir: reports/out", code="type")
    return base / "reports" / "out"


def _reports(c: Collector, data: Any) -> ReportsConfig:
    raw = _section(c, data, "reports", "reports: {out_dir: reports/out}")
    if raw is None:
        return ReportsConfig()
    c.unknown_keys(raw, {"out_dir", "per_person", "min_group_size"}, "reports.")
    size, per_person = raw.get("min_group_size", ReportsConfig.min_group_size), raw.get("per_person", True)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        c.at(raw, "min_group_size", "reports.min_group_size", f"expected a whole number of people >= 1, got {size!r}",
             hint="reports: {min_group_size: 5}", code="type")
        size = ReportsConfig.min_group_size
    if not isinstance(per_person, bool):
        c.at(raw, "per_person", "reports.per_person", f"expected true or false, got {per_person!r}",
             hint="reports: {per_person: false}", code="type")
        per_person = True
    return ReportsConfig(min_group_size=size, per_person=per_person)


def _bots(c: Collector, data: Any) -> list[str]:
    patterns = list(DEFAULT_BOT_PATTERNS)
    raw = _section(c, data, "bots", 'bots: {patterns: ["*-ci"]}') if data.get("bots") else None
    if raw is not None:
        c.unknown_keys(raw, {"patterns"}, "bots.")
        patterns += c.str_list(raw, "patterns", "bots.patterns")
    return patterns


def _retention(c: Collector, data: Any) -> RetentionConfig:
    raw = _section(c, data, "retention", "retention: {activity_months: 12}")
    if raw is None:
        return RetentionConfig()
    c.unknown_keys(raw, set(RETENTION_KEYS), "retention.")
    months = {}
    for k in RETENTION_KEYS:
        v = raw.get(k)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_RETENTION_MONTHS:
            c.at(raw, k, f"retention.{k}", f"expected a whole number of months from 1 to {MAX_RETENTION_MONTHS}, "
                 f"got {v!r}", hint=f"{k}: 12", code="type")
        else:
            months[k] = v
    return RetentionConfig(**months)


def _git_cache(c: Collector, data: Any, base: Path, warehouse: str) -> Path:
    """Where the commit stream keeps its clones: ``git_cache:`` (relative to the config file), by default a
    ``leadsig-git-cache`` folder beside a SQLite warehouse, or beside the config file."""
    raw = data.get("git_cache")
    if raw is not None:
        if isinstance(raw, str) and raw.strip():
            return base / raw
        c.at(data, "git_cache", "git_cache", f"expected a folder path, got {raw!r}", hint="git_cache: .git-cache",
             code="type")
    if warehouse.startswith("sqlite:///") and warehouse != "sqlite:///:memory:":
        return Path(warehouse[len("sqlite:///"):]).parent / "leadsig-git-cache"
    return base / "leadsig-git-cache"
