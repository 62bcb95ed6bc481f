"""The monthly signal report: Markdown, one self-contained HTML file, and CSV, per team and per person.

People are listed alphabetically and never summed into one number: the report is a set of prompts
for conversations, not a league table. Team aggregates appear only for groups large enough not to
expose one person, and rates by region, level and tenure are checked against the team's.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from leadsig.config import Config
from leadsig.errors import Problem, UserError
from leadsig.reports import aggregates as agg
from leadsig.reports import charts
from leadsig.reports.coverage import check_month, mined_coverage, mined_window
from leadsig.reports.data import MonthWindow, load_counts, load_evidence, load_people, parse_month
from leadsig.reports.fairness import bias_flags
from leadsig.reports.indicators import SIGNAL_TYPES, IndicatorInfo, indicators
from leadsig.reports.items import evidence_items
from leadsig.reports.progress import progress_by_person
from leadsig.reports.render import html_env, md_env, render, staged
from leadsig.reports.rotations import load_turns, mark_turns, turn_sections, turns_between
from leadsig.reports.settings import ReportSettings, report_settings
from leadsig.reports.text import clean, csv_cell
from leadsig.tracks import load_tracks
from leadsig.warehouse.trust import log_access
from leadsig.yamlfile import did_you_mean

CSV_COLUMNS = ["Team Member", "Signal Type", "Evidence", "Date", "Impact", "Indicator", "Rule"]
MAX_ITEMS_PER_PERSON = 200
NOTE = [
    "Signals are prompts for a conversation, not a performance score. Each one links to its evidence: "
    "read it before drawing any conclusion.",
    "leadsig sees only what leaves a trace in GitHub and GitLab. It cannot see mentoring in calls or in "
    "person, design work outside Git, incident work, hiring, or help given in chat.",
    "People are listed alphabetically. No one is ranked, and no person's signals are added up into a score.",
    "Few or no signals for someone says more about where their work happens than about their leadership.",
]


def build_monthly(engine: Engine, cfg: Config, month: str, team: str | None = None,
                  out_dir: Path | None = None, viewer: str | None = None) -> dict[str, Path]:
    """Write the month's report in every format; returns {"md": path, "html": path, "csv": path}."""
    window = parse_month(month)
    settings = report_settings(cfg)
    people = load_people(engine)
    teams = select_teams(people, cfg, team)
    turns = load_turns(cfg, people)  # a broken rotations file is reported before anything is read or written
    coverage = mined_coverage(engine, cfg.since)
    check_month(window, coverage)  # a month nobody mined is refused, not written as an empty report
    window, mined_notes = mined_window(window, coverage)
    scope = people[people["team"].isin(teams)]
    counts = load_counts(engine, window.trend_start, window.end)
    counts = counts[counts["person_id"].isin(scope["id"])]
    evidence = load_evidence(engine, window.start, window.end)
    evidence = mark_turns(evidence[evidence["person_id"].isin(scope["id"])], turns)
    # turns name people and show their evidence: per-person content, off when per-person sections are
    month_turns = turns_between(turns, window.start, window.end, set(scope["id"])) if settings.per_person else []
    names = dict(zip(scope["id"], scope["name"], strict=True))
    context = monthly_context(window, teams, scope, counts, evidence, settings, team) | {
        "coverage": mined_notes, "rotations": turn_sections(engine, month_turns, names)}
    progress = progress_by_person(engine, load_tracks(cfg.tracks), set(scope["id"]), window.start, window.end)
    for section in context["teams"]:
        for person in section["people"]:
            person["progress"] = progress.get(person["id"])
    out = Path(out_dir or cfg.reports_out_dir)
    stem = report_stem(window.month, team)
    paths = {"md": out / f"{stem}.md", "html": out / f"{stem}.html", "csv": out / f"{stem}.csv"}
    texts = {"md": render(md_env(), "monthly.md.j2", context),
             "html": render(html_env(), "monthly.html.j2", context),
             "csv": signals_csv(scope, evidence if settings.per_person else evidence.iloc[0:0])}
    named = sorted(set(evidence["person_id"]) | {t.person for t in month_turns}) if settings.per_person else []
    with staged({path: texts[fmt] for fmt, path in paths.items()}):  # no report without its access log entry
        log_access(engine, "report-monthly", named or [None], {"month": window.month, "team": team,
                                                               "files": [str(p) for p in paths.values()]}, viewer)
    return paths


def select_teams(people: pd.DataFrame, cfg: Config, team: str | None) -> list[str]:
    """The teams in scope, alphabetically; an unknown --team is the user's to fix, with a suggestion."""
    known = sorted(set(people["team"]) | set(cfg.teams), key=str.casefold)
    if team is None:
        return known
    if team not in known:
        hint = did_you_mean(team, known) or ("known teams: " + ", ".join(known) if known else
                                             "the warehouse has no people yet: run leadsig mine first")
        raise UserError(Problem(f"unknown team {team!r}", key="--team", hint=hint, code="unknown-team"))
    return [team]


def monthly_context(window: MonthWindow, teams: list[str], scope: pd.DataFrame, counts: pd.DataFrame,
                    evidence: pd.DataFrame, settings: ReportSettings, team: str | None) -> dict:
    registry = indicators()
    scope_shown = len(scope) >= settings.min_group_size
    return {
        "month": window.month, "months": list(window.months), "team": team,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "note": NOTE,
        "settings": settings, "registry": registry, "people_count": len(scope),
        "scope_shown": scope_shown,
        "missing": agg.missing_indicators(evidence, registry) if scope_shown else [],
        "overview": (team_section("all teams", scope, counts, evidence, window, settings, registry,
                                  whole="organisation") if team is None and len(teams) > 1 else None),
        "teams": [team_section(t, scope[scope["team"] == t], counts, evidence, window, settings, registry)
                  for t in teams],
    }


def team_section(name: str, members: pd.DataFrame, counts: pd.DataFrame, evidence: pd.DataFrame,
                 window: MonthWindow, settings: ReportSettings, registry: tuple[IndicatorInfo, ...],
                 whole: str = "team") -> dict:
    """A team's aggregates (when it is big enough) and its people; ``whole="organisation"``: no people."""
    ids = set(members["id"])
    t_counts = counts[counts["person_id"].isin(ids)]
    t_ev = evidence[evidence["person_id"].isin(ids)]
    section: dict = {"name": name, "size": len(members), "shown": len(members) >= settings.min_group_size}
    if section["shown"]:
        trend = agg.trend_rows(t_counts, window.months)
        regions = agg.share_rows(members, t_ev, "region", settings.min_group_size)
        section.update(
            signals=agg.signal_total(t_ev), by_type=agg.type_impact_rows(t_ev),
            by_indicator=agg.indicator_rows(t_ev, registry),
            missing=agg.missing_indicators(t_ev, registry), trend=trend,
            trend_svg=charts.trend_chart(trend, f"Team {name}: signals per month by type"),
            sparklines={t: charts.sparkline([r[t] for r in trend]) for t in SIGNAL_TYPES},
            regions=regions, region_svg=charts.share_chart(regions, f"Team {name}: people and signals by region"),
            timezones=agg.share_rows(members, t_ev, "timezone", settings.min_group_size),
            bias=bias_flags(members, t_ev, window.end, min_group=settings.min_group_size, whole=whole),
        )
    per_person = settings.per_person and whole == "team"
    section["people"] = people_sections(members, t_counts, t_ev, window, registry) if per_person else []
    section["whole"] = whole
    return section


def people_sections(members: pd.DataFrame, counts: pd.DataFrame, evidence: pd.DataFrame, window: MonthWindow,
                    registry: tuple[IndicatorInfo, ...]) -> list[dict]:
    """Per-person sections, alphabetically by name; all counts come from one groupby per table."""
    by_type = agg.counts_per_person(evidence, ["signal_type", "impact"])
    by_indicator = agg.counts_per_person(evidence, ["indicator"])
    trend = agg.counts_per_person(counts, ["month", "signal_type"])
    records: dict[str, list[dict]] = {}
    for rec in evidence.to_dict("records"):
        records.setdefault(rec["person_id"], []).append(rec)
    ordered = members.sort_values(["name", "id"], key=lambda col: col.str.casefold())
    return [person_section(row, by_type.get(row.id, {}), by_indicator.get(row.id, {}), trend.get(row.id, {}),
                           records.get(row.id, []), window, registry) for row in ordered.itertuples(index=False)]


def person_section(person, by_type: dict, by_indicator: dict, trend_counts: dict,  # noqa: ANN001
                   records: list[dict], window: MonthWindow, registry: tuple[IndicatorInfo, ...]) -> dict:
    trend = agg.trend_rows(trend_counts, window.months)
    return {
        "id": person.id, "name": clean(person.name, 200), "level": person.level, "region": person.region,
        "timezone": person.timezone, "has_signals": bool(records),
        "by_type": agg.type_impact_rows(by_type), "by_indicator": agg.indicator_rows(by_indicator, registry),
        "trend": trend, "trend_svg": charts.mini_trend(trend),
        "sparklines": {t: charts.sparkline([r[t] for r in trend]) for t in SIGNAL_TYPES},
        "items": evidence_items(records[:MAX_ITEMS_PER_PERSON]), "more": max(0, len(records) - MAX_ITEMS_PER_PERSON),
    }


def signals_csv(people: pd.DataFrame, evidence: pd.DataFrame) -> str:
    """Notion/Airtable-importable rows: the framework's five fields, then indicator and rule id."""
    names = people.set_index("id")["name"]
    ordered = evidence.assign(member=evidence["person_id"].map(names).fillna(evidence["person_id"]))
    ordered = ordered.sort_values(["member", "occurred_at"], key=_casefold_key, kind="stable")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for row in ordered.itertuples(index=False):
        writer.writerow([csv_cell(row.member), row.signal_type, csv_cell(row.evidence_url),
                         pd.Timestamp(row.occurred_at).strftime("%Y-%m-%d"), row.impact, csv_cell(row.indicator),
                         csv_cell(row.rule_id)])
    return buf.getvalue()


def _casefold_key(col: pd.Series) -> pd.Series:
    return col.str.casefold() if col.dtype == object else col


def report_stem(month: str, team: str | None = None) -> str:
    """The report files' name without extension; the web view finds a team's reports by it."""
    return f"leadsig-{month}" + (f"-{_slug(team)}" if team else "")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "team"
