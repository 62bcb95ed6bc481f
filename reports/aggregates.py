"""pandas aggregations shared by the monthly report and the evidence pack.

Every table here is about a group or about signal types of one person; none sums a person's signals
into one number, so nothing here can be sorted into a ranking of people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from leadsig.reports.indicators import IMPACTS, SIGNAL_TYPES, IndicatorInfo


def counts_by(signals: pd.DataFrame, cols: list[str]) -> dict[tuple, int]:
    """Signal counts per combination of ``cols``, as a plain dict (one groupby, no pivot)."""
    if signals.empty:
        return {}
    grouped = signals.groupby(cols, sort=False)
    sizes = grouped["n"].sum() if "n" in signals else grouped.size()
    return {(k if isinstance(k, tuple) else (k,)): int(n) for k, n in sizes.items() if n}


def signal_total(signals: pd.DataFrame) -> int:
    """How many signals a frame holds: one per row, or the sum of ``n`` in a counted frame (one row per
    group of signals, as the web overview reads them from the month counts)."""
    return int(signals["n"].sum()) if "n" in signals else len(signals)


def signals_by(signals: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """Signals per value of ``keys`` (a Series aligned with the frame's rows), counted frames included."""
    if "n" in signals:
        return signals["n"].groupby(keys).sum()
    return keys.value_counts()


def counts_per_person(signals: pd.DataFrame, cols: list[str]) -> dict[str, dict[tuple, int]]:
    """``counts_by`` for every person at once: one groupby for the whole report instead of one per person."""
    out: dict[str, dict[tuple, int]] = defaultdict(dict)
    for key, n in counts_by(signals, ["person_id", *cols]).items():
        out[key[0]][key[1:]] = n
    return out


def type_impact_rows(signals: pd.DataFrame | dict[tuple, int]) -> list[dict]:
    """One row per signal type with counts per impact (high, medium, low)."""
    c = signals if isinstance(signals, dict) else counts_by(signals, ["signal_type", "impact"])
    return [{"signal_type": t, **{imp: c.get((t, imp), 0) for imp in IMPACTS}} for t in SIGNAL_TYPES]


def indicator_rows(signals: pd.DataFrame | dict[tuple, int], registry: Iterable[IndicatorInfo]) -> list[dict]:
    """Counts per indicator in registry order; indicators of local rule packs follow, by id."""
    c = signals if isinstance(signals, dict) else counts_by(signals, ["indicator"])
    rows, known = [], set()
    for info in registry:
        known.add(info.id)
        if c.get((info.id,)):
            rows.append({"id": info.id, "label": info.label, "signal_type": info.signal_type, "count": c[(info.id,)]})
    for (ind,) in sorted(set(c) - {(k,) for k in known}):
        rows.append({"id": ind, "label": ind.replace("_", " "), "signal_type": "other", "count": c[(ind,)]})
    return rows


def missing_indicators(signals: pd.DataFrame, registry: Iterable[IndicatorInfo]) -> list[IndicatorInfo]:
    """Indicators with no evidence at all in these signals: a prompt to look, not a verdict."""
    seen = set(signals["indicator"]) if len(signals) else set()
    return [info for info in registry if info.id not in seen]


def trend_rows(counts: pd.DataFrame | dict[tuple, int], months: Iterable[str]) -> list[dict]:
    """Counts per month per signal type, every month present (zeros included) so gaps stay visible."""
    c = counts if isinstance(counts, dict) else counts_by(counts, ["month", "signal_type"])
    return [{"month": mo, **{t: c.get((mo, t), 0) for t in SIGNAL_TYPES}} for mo in months]


def share_rows(people: pd.DataFrame, signals: pd.DataFrame, column: str, min_group: int) -> list[dict]:
    """Where the team sits (people per group) beside where its signals come from (signals per group).

    Signal numbers of groups smaller than ``min_group`` are withheld: with a handful of people a group's
    count is nearly a person's count.
    """
    sizes = people[column].value_counts()
    by_person = people.set_index("id")[column]
    sig_groups = signals_by(signals, signals["person_id"].map(by_person)) if len(signals) else pd.Series(dtype=int)
    n_people, n_signals = int(sizes.sum()), int(sig_groups.sum())
    rows = []
    for group in sorted(sizes.index, key=str.casefold):
        size = int(sizes[group])
        shown = size >= min_group
        count = int(sig_groups.get(group, 0))
        rows.append({
            "group": group, "people": size, "people_share": size / n_people if n_people else 0.0,
            "shown": shown, "signals": count if shown else None,
            "signal_share": (count / n_signals if n_signals else 0.0) if shown else None,
        })
    return rows


def tenure_band(start, on) -> str:  # noqa: ANN001 - date-like or NaT
    """Tenure bands coarse enough that a band is a group, not a person."""
    if start is None or pd.isna(start):
        return "unknown"
    on_day = on.date() if hasattr(on, "date") else on
    start_day = start.date() if hasattr(start, "date") else start
    years = (on_day - start_day).days / 365.25
    if years < 1:
        return "under 1 year"
    if years < 3:
        return "1-3 years"
    return "3+ years"
