"""Bias flags: does any region, level or tenure band get signals at a rate far from the team's?

A flag is a plain sentence, not a score. It points at the rules and at where work leaves no trace as
much as at the people: a region whose reviews happen in calls, or juniors whose work the rules miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from leadsig.reports.aggregates import signal_total, signals_by, tenure_band

DIMENSIONS = (("region", "region"), ("level", "level"), ("tenure", "tenure band"))


@dataclass
class BiasCheck:
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why some or all groups were not compared


def bias_flags(people: pd.DataFrame, signals: pd.DataFrame, on, min_team: int = 10, min_group: int = 5,  # noqa: ANN001
               low: float = 0.8, high: float = 1.25, whole: str = "team") -> BiasCheck:
    """Compare signals per person in each group with signals per person in the whole team (or ``whole``)."""
    check = BiasCheck()
    if len(people) < min_team:
        check.notes.append(f"Rates by region, level and tenure are compared only in teams of {min_team} or more "
                           f"people; this {whole} has {len(people)}.")
        return check
    if signals.empty:
        check.notes.append("No signals this month, so there are no rates to compare.")
        return check
    people = people.assign(tenure=[tenure_band(s, on) for s in people["start_date"]])
    per_person = signals_by(signals, signals["person_id"])
    team_rate = signal_total(signals) / len(people)
    skipped = 0
    for column, noun in DIMENSIONS:
        for group, members in people.groupby(column, sort=True):
            if len(members) == len(people):
                continue  # one group is the whole team: nothing to compare
            if len(members) < min_group:
                skipped += 1
                continue
            rate = float(per_person.reindex(members["id"], fill_value=0).sum()) / len(members)
            ratio = rate / team_rate
            if ratio < low or ratio > high:
                direction = "fewer" if ratio < low else "more"
                check.flags.append(
                    f"People in {noun} {group} ({len(members)} people) had {ratio:.2f} times the {whole}'s signal rate "
                    f"this month ({direction} signals per person than the {whole} as a whole; the expected range is "
                    f"{low}-{high}). Check whether the rules miss how this group works before drawing conclusions.")
    if skipped:
        check.notes.append(f"{skipped} group(s) with fewer than {min_group} people were not compared.")
    return check
