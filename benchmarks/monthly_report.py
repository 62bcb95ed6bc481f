"""Time the monthly report for 500 people with 12 months of signals (target: at most 5 s).

Builds a SQLite warehouse of synthetic people, activities and signals (not timed), then times
``build_monthly`` for the whole organisation and for one team, and ``build_packet`` for one person.
The baseline, measured in the same run, is the two warehouse queries alone: the ratio shows what the
pandas aggregation and the three formats cost on top of reading the data.

    .venv/bin/python benchmarks/monthly_report.py [--people 500] [--per-month 15] [--repeat 3] [--on-track]

``--on-track`` puts everyone on the built-in technical track (stage by level), so the report also works out
the milestones each person newly met in the month.

Writes benchmarks/results/monthly_report.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from leadsig.config import Config, ScheduleConfig
from leadsig.reports.data import load_counts, load_evidence, parse_month
from leadsig.reports.monthly import build_monthly
from leadsig.reports.packet import build_packet
from leadsig.rules.language.indicators import INDICATORS
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.track_tables import PersonTrack

RESULTS = Path(__file__).parent / "results" / "monthly_report.md"
RESULTS_ON_TRACK = Path(__file__).parent / "results" / "monthly_report_on_track.md"
ZONES = [("Europe/Berlin", "Europe"), ("America/New_York", "Americas"), ("Asia/Tokyo", "Asia-Pacific"),
         ("America/Sao_Paulo", "Americas"), ("Europe/London", "Europe"), ("Australia/Sydney", "Asia-Pacific")]
LEVELS = ["junior", "mid", "senior", "staff"]
MONTH = "2026-10"


def populate(engine, people: int, per_month: int, seed: int = 7) -> int:  # noqa: ANN001
    """People in 10 teams across six time zones; ~per_month signals each month for 12 months."""
    rnd = random.Random(seed)
    persons, activities, signals = [], [], []
    end = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(people):
        tz, region = ZONES[i % len(ZONES)]
        persons.append({"id": f"u{i:04d}", "name": f"Person {i:04d}", "team": f"team-{i % 10}",
                        "level": LEVELS[i % 4], "start_date": date(2015 + i % 11, 1 + i % 12, 1), "timezone": tz,
                        "region": region})
    n = 0
    for p in persons:
        for _ in range(per_month * 12):
            n += 1
            at = end - timedelta(seconds=rnd.randrange(365 * 86400))
            ind = rnd.choice(INDICATORS)
            url = f"https://github.com/acme/repo-{n % 40}/pull/{n}#pullrequestreview-{n}"
            aid = f"github:github.com:pr_review:{n}"
            activities.append({"id": aid, "forge": "github", "host": "github.com", "kind": "pr_review",
                               "native_id": str(n), "repo": f"acme/repo-{n % 40}", "actor_login": p["id"],
                               "person_id": p["id"], "occurred_at": at, "url": url, "parent_number": n,
                               "parent_title": f"Improve the {ind.label.lower()} path ({n})",
                               "body": "Could we split this? " * 20, "content_hash": "x", "mined_at": at})
            signals.append({"activity_id": aid, "rule_id": f"{ind.id}.default", "rule_version": 1, "rule_hash": "h",
                            "person_id": p["id"], "signal_type": ind.signal_type, "indicator": ind.id,
                            "impact": rnd.choice(["low", "medium", "medium", "high"]), "evidence_url": url,
                            "occurred_at": at, "summary": f"{ind.label} in review {n}", "why": {},
                            "classified_at": at})
    with engine.begin() as conn:
        conn.execute(insert(m.Person), persons)
        conn.execute(insert(m.Activity), activities)
        conn.execute(insert(m.Signal), signals)
    return len(signals)


def timed(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--per-month", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--on-track", action="store_true", help="everyone on the technical track")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        engine = open_warehouse(f"sqlite:///{tmp / 'bench.db'}")
        t0 = time.perf_counter()
        total = populate(engine, args.people, args.per_month)
        if args.on_track:
            stages = {"junior": "early", "mid": "early", "senior": "emerging", "staff": "established"}
            with engine.begin() as conn:
                conn.execute(insert(PersonTrack), [{"person_id": f"u{i:04d}", "track": "technical",
                                                    "stage": stages[LEVELS[i % 4]], "stage_since": None}
                                                   for i in range(args.people)])
        setup = time.perf_counter() - t0
        cfg = Config(path=tmp / "leadsig.yaml", warehouse=str(engine.url), roster=None, since=date(2025, 1, 1),
                     rules=["default"], path_groups={}, sources=[], teams={}, schedule=ScheduleConfig(),
                     reports_out_dir=tmp / "out", bot_patterns=[])
        window = parse_month(MONTH)
        t_base, _ = timed(lambda: (load_counts(engine, window.trend_start, window.end),
                                   load_evidence(engine, window.start, window.end)), args.repeat)
        t_all, paths = timed(lambda: build_monthly(engine, cfg, MONTH), args.repeat)
        t_team, _ = timed(lambda: build_monthly(engine, cfg, MONTH, team="team-3"), args.repeat)
        t_packet, _ = timed(lambda: build_packet(engine, cfg, f"u{min(42, args.people - 1):04d}", months=12,
                                                 now=datetime(2026, 11, 1, tzinfo=UTC)), args.repeat)
        sizes = {fmt: p.stat().st_size for fmt, p in paths.items()}
        month_rows = len(load_evidence(engine, window.start, window.end))
        engine.dispose()
    lines = [
        "# Monthly report benchmark", "",
        f"`{' '.join(['.venv/bin/python', 'benchmarks/monthly_report.py', *sys.argv[1:]])}` on "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, SQLite; "
        f"median of {args.repeat} runs.", "",
        f"- warehouse: {args.people} people in 10 teams, {total} signals over 12 months "
        f"({month_rows} in {MONTH}); built in {setup:.1f} s (not timed)"
        + ("; everyone on the technical track (milestones newly met worked out per person)" if args.on_track else ""),
        "", "| what | seconds | vs. baseline |", "|---|---:|---:|",
        f"| baseline: the two warehouse queries only | {t_base:.2f} | 1.00x |",
        f"| monthly report, whole organisation (md + html + csv) | {t_all:.2f} | {t_all / t_base:.2f}x |",
        f"| monthly report, one team (`--team team-3`) | {t_team:.2f} | {t_team / t_base:.2f}x |",
        f"| evidence pack, one person, 12 months | {t_packet:.2f} | {t_packet / t_base:.2f}x |",
        "", f"Target: whole-organisation report <= 5 s: {'met' if t_all <= 5 else 'NOT met'}.", "",
        "Output sizes (whole organisation): " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sizes.items()) + ".",
    ]
    results = RESULTS_ON_TRACK if args.on_track else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
