"""The month overview: the report's own tables and charts, for the organisation or one team at a time.

An organisation of 500 people is 25 team sections; drawn at once they are the 2.6 MB page the monthly report
already is. So an admin or lead first sees the organisation's section and the list of teams, and opens a team
(``?team=``); a manager sees the teams they manage. Counts come from SQL (``load_month_counts``) and every
table, chart and flag from the report's functions (``reports.monthly.team_section``).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from leadsig.errors import UserError
from leadsig.reports.coverage import check_month, mined_coverage, mined_window
from leadsig.reports.data import load_month_counts, load_people, parse_month
from leadsig.reports.indicators import indicators
from leadsig.reports.monthly import team_section
from leadsig.reports.settings import report_settings
from leadsig.reports.text import clean
from leadsig.web.auth import Refused, Viewer
from leadsig.web.site import Site


def month_overview(site: Site, viewer: Viewer, month: str, team: str | None) -> dict:
    people = load_people(site.engine)
    scope = people if viewer.role in ("admin", "lead") else people[people["team"].isin(viewer.teams)]
    teams = sorted(set(scope["team"]), key=str.casefold)
    if team is not None and team not in teams:
        raise Refused(403, "not allowed to see this team")
    empty = {"problem": None, "sections": [], "overall": None, "notes": [], "people": [], "teams": [],
             "team": team}
    window = parse_month(month)
    coverage = mined_coverage(site.engine, site.cfg.since)
    try:
        check_month(window, coverage)
    except UserError as exc:
        return empty | {"problem": str(exc)}
    window, notes = mined_window(window, coverage)
    drawn = [team] if team else (teams if viewer.role == "manager" or len(teams) <= 1 else [])
    members = scope[scope["team"].isin(drawn)] if drawn else scope
    ids = None if members is people else list(members["id"])
    trend = load_month_counts(site.engine, window.months, by=("signal_type",), person_ids=ids)  # type per month
    this_month = load_month_counts(site.engine, [window.month], person_ids=ids)
    settings, registry = replace(report_settings(site.cfg), per_person=False), indicators()
    sections = [team_section(t, scope[scope["team"] == t], *_of_team(trend, this_month, members, t), window,
                             settings, registry) for t in drawn]
    overall = None
    if not drawn and len(teams) > 1:
        overall = team_section("all teams", scope, trend, this_month, window, settings, registry,
                               whole="organisation")
    listed = [{"id": r.id, "name": clean(r.name, 200), "team": r.team}
              for r in members.sort_values("name", key=lambda c: c.str.casefold()).itertuples(index=False)
              if drawn and viewer.can_see(r.id, r.team)]
    sizes = scope["team"].value_counts()
    return empty | {"sections": sections, "overall": overall, "notes": notes, "people": listed,
                    "teams": [{"name": t, "size": int(sizes[t])} for t in teams]}


def _of_team(trend: pd.DataFrame, this_month: pd.DataFrame, members: pd.DataFrame,
             team: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = set(members.loc[members["team"] == team, "id"])
    return trend[trend["person_id"].isin(ids)], this_month[this_month["person_id"].isin(ids)]
