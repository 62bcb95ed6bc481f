"""How fast `leadsig web` answers on SQLite: a person's page for a person with 10,000 activities (target:
< 300 ms) and the month overview for 500 people (target: < 1 s).

Usage: .venv/bin/python benchmarks/web.py [--activities 10000] [--people 500] [--per-month 60] [--repeat 7]
                                         [--write-signals 20000]
The overview is the organisation's section and the list of teams (a team's section opens with ?team=).
Pages are requested through the whole ASGI stack (Starlette's TestClient: session cookie, access log write,
templates) as a signed-in admin; the figure is the median of the repeats after one warm-up request.
Baseline, in the same run: a bare SELECT of the rows the page shows. The old overview path, in the same run:
the same request with the counts scanned from the signals table (as before the month counts table, 0006).
Writes benchmarks/results/web.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from sqlalchemy import case, func, insert, select  # noqa: E402

import leadsig.web.overview as overview_module  # noqa: E402
from leadsig.config import Config, Grant, ReportsConfig, ScheduleConfig, WebConfig  # noqa: E402
from leadsig.reports.data import month_start, shift_month  # noqa: E402
from leadsig.warehouse import models as m  # noqa: E402
from leadsig.warehouse.db import open_warehouse  # noqa: E402
from leadsig.warehouse.invites import create_invite  # noqa: E402
from leadsig.web.app import create_app  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "web.md"
MONTH = "2026-10"
START = datetime(2025, 11, 1, tzinfo=UTC)  # a year of history ending with the measured month
TYPES = [("technical", "reviews_proactively"), ("operational", "identifies_bottlenecks"),
         ("communication", "writes_documentation"), ("technical", "mentors_in_reviews")]
IMPACTS = ["high", "medium", "medium", "low", "low", "low"]


def fill(engine, activities: int, people: int, per_month: int, rnd: random.Random) -> None:  # noqa: ANN001
    persons = [{"id": "heavy", "name": "Heavy Reviewer", "team": "t00", "level": "senior", "region": "Europe",
                "timezone": "Europe/Berlin", "start_date": date(2020, 1, 1)}]
    persons += [{"id": f"p{i:03d}", "name": f"Person {i:03d}", "team": f"t{i % 25:02d}", "level": rnd.choice(
                 ["junior", "senior", "staff"]), "region": rnd.choice(["Europe", "Americas", "Asia"]),
                 "timezone": "UTC", "start_date": date(2018 + i % 7, 1, 1)} for i in range(1, people)]
    span = (datetime(2026, 11, 1, tzinfo=UTC) - START).total_seconds()
    plan = [("heavy", START + timedelta(seconds=rnd.random() * span)) for _ in range(activities)]
    month0 = datetime(2026, 10, 1, tzinfo=UTC)
    for p in persons[1:]:  # the others: the measured month and the six trend months before it
        plan += [(p["id"], month0 - timedelta(days=rnd.random() * 210) + timedelta(days=31))
                 for _ in range(per_month * 7)]
    acts, sigs = [], []
    for n, (pid, at) in enumerate(plan):
        at = min(at, datetime(2026, 10, 31, 23, tzinfo=UTC))
        aid, url = f"github:github.com:pr_review:{n}", f"https://github.com/acme/r{n % 40}/pull/{n}#review-{n}"
        acts.append({"id": aid, "forge": "github", "host": "github.com", "kind": "pr_review", "native_id": str(n),
                     "repo": f"acme/r{n % 40}", "actor_login": pid, "person_id": pid, "occurred_at": at, "url": url,
                     "parent_number": n, "parent_title": f"Change {n}", "body": "Looks good; one question. " * 20,
                     "content_hash": "x", "mined_at": at, "parent_labels": [], "path_groups": [], "extra": {}})
        st, ind = rnd.choice(TYPES)
        sigs.append({"activity_id": aid, "rule_id": f"{ind}.bench", "rule_version": 1, "rule_hash": "h",
                     "person_id": pid, "signal_type": st, "indicator": ind, "impact": rnd.choice(IMPACTS),
                     "evidence_url": url, "occurred_at": at, "summary": f"reviewed change {n}",
                     "why": {"conditions": {"asks": True}}, "classified_at": at})
    with engine.begin() as conn:
        conn.execute(insert(m.Person), persons)
        for i in range(0, len(acts), 5000):
            conn.execute(insert(m.Activity), acts[i:i + 5000])
            conn.execute(insert(m.Signal), sigs[i:i + 5000])
        conn.execute(insert(m.MiningRun), [{"started_at": START, "ended_at": datetime(2026, 11, 2, tzinfo=UTC),
                                            "status": "ok", "sources": [], "counts": {}, "requests": 0,
                                            "waits": [], "errors": {}}])


def scanned_month_counts(engine, months, by=("signal_type", "indicator", "impact"), person_ids=None):  # noqa: ANN001, ANN201
    """The overview's counts as they were read before the month counts table: one grouped scan of the signals."""
    from leadsig.warehouse.feedback import not_dismissed

    s, ordered = m.Signal.__table__, sorted(months)
    bucket = case(*((s.c.occurred_at < month_start(shift_month(mo, 1)), mo) for mo in ordered))
    keys = [s.c.person_id, *(s.c[c] for c in by), bucket]
    stmt = (select(*keys, func.count()).where(s.c.occurred_at >= month_start(ordered[0]),
                                              s.c.occurred_at < month_start(shift_month(ordered[-1], 1)),
                                              not_dismissed(s)).group_by(*keys))
    if person_ids is not None:
        stmt = stmt.where(s.c.person_id.in_(person_ids))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    cols = ["person_id", *by, "month"]
    grouped = pd.DataFrame(rows, columns=[*cols, "n"])
    return grouped.loc[grouped.index.repeat(grouped["n"].astype(int)), cols].reset_index(drop=True)


TRIGGERS = ("signal_counts_insert", "signal_counts_delete", "signal_counts_update_old", "signal_counts_update_new",
            "feedback_counts_insert", "feedback_counts_delete")


def write_cost(tmp: Path, n: int, rnd: random.Random) -> tuple[float, float]:
    """Seconds to insert ``n`` signals (as classify does, in chunks) with the count triggers and without them."""
    out = []
    for name, keep in (("with", True), ("without", False)):
        engine = open_warehouse(f"sqlite:///{tmp / f'write-{name}.db'}")
        if not keep:
            with engine.begin() as conn:
                for trigger in TRIGGERS:
                    conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
        scratch = random.Random(rnd.random())
        fill(engine, n, 1, 0, scratch)  # one person's activities and signals, to get the rows
        s = m.Signal.__table__
        with engine.begin() as conn:
            rows = [dict(r) for r in conn.execute(select(s)).mappings()]
            conn.execute(s.delete())
        rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
        t = time.perf_counter()
        with engine.begin() as conn:
            for i in range(0, len(rows), 5000):
                conn.execute(insert(s), rows[i:i + 5000])
        out.append(time.perf_counter() - t)
        engine.dispose()
    return out[0], out[1]


def timed(client, path: str, repeat: int) -> float:  # noqa: ANN001
    first = client.get(path)  # warm-up (templates, caches)
    assert first.status_code == 200, (path, first.status_code, first.text[-500:])
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(path)
        runs.append(time.perf_counter() - t)
        assert r.status_code == 200
    return statistics.median(runs)


def baseline(engine, repeat: int) -> float:  # noqa: ANN001
    s = m.Signal.__table__
    stmt = select(s).where(s.c.person_id == "heavy", s.c.occurred_at >= datetime(2026, 10, 1, tzinfo=UTC),
                           s.c.occurred_at < datetime(2026, 11, 1, tzinfo=UTC))
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(stmt).all()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--activities", type=int, default=10_000)
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--per-month", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--write-signals", type=int, default=20_000, help="signals inserted to time the count triggers")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="Fill this SQLite file once and reuse it on later runs.")
    args = ap.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "warehouse.db"
        reuse = db.exists()
        engine = open_warehouse(f"sqlite:///{db}")
        t = time.perf_counter()
        if not reuse:
            fill(engine, args.activities, args.people, args.per_month, random.Random(args.seed))
        built = time.perf_counter() - t
        cfg = Config(path=Path(tmp) / "leadsig.yaml", warehouse=str(engine.url), roster=None, since=START.date(),
                     rules=["default"], path_groups={}, sources=[], teams={}, schedule=ScheduleConfig(),
                     reports_out_dir=Path(tmp) / "out", bot_patterns=[], reports=ReportsConfig(),
                     web=WebConfig(roles={"heavy": Grant("admin")}))
        client = TestClient(create_app(engine, cfg), follow_redirects=False)
        client.post(f"/signin/{create_invite(engine, 'heavy', 'admin', 1, 'bench')}")
        with engine.connect() as conn:
            n_heavy = conn.execute(select(m.Signal.id).where(m.Signal.person_id == "heavy")).all()
            n_month = conn.execute(select(m.Signal.id).where(
                m.Signal.occurred_at >= datetime(2026, 10, 1, tzinfo=UTC))).all()
        person = timed(client, f"/person/heavy?month={MONTH}", args.repeat)
        filtered = timed(client, f"/person/heavy?month={MONTH}&impact=low&page=3", args.repeat)
        overview = timed(client, f"/?month={MONTH}", args.repeat)
        team = timed(client, f"/?month={MONTH}&team=t01", args.repeat)
        base = baseline(engine, args.repeat)
        kept = overview_module.load_month_counts
        overview_module.load_month_counts = scanned_month_counts
        try:
            old_overview = timed(client, f"/?month={MONTH}", args.repeat)
            old_team = timed(client, f"/?month={MONTH}&team=t01", args.repeat)
        finally:
            overview_module.load_month_counts = kept
        engine.dispose()
        with_triggers, without = write_cost(Path(tmp), args.write_signals, random.Random(args.seed))
    OUT.write_text(
        "# The web view (`leadsig web`) on SQLite\n\n"
        f"One person with {args.activities:,} activities and {len(n_heavy):,} signals over a year; "
        f"{args.people} people in 25 teams, {len(n_month):,} signals in {MONTH} (the overview reads the month and "
        f"six trend months). {'Warehouse reused (--keep)' if reuse else f'Warehouse filled in {built:.1f} s'}. "
        f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s). "
        f"Medians of {args.repeat} requests through the "
        "ASGI stack, signed in as an admin (each request also writes its access-log row).\n\n"
        "| figure | value | target |\n|---|---|---|\n"
        f"| a person's page, one month, first page (strongest first) | {person * 1000:.0f} ms | < 300 ms |\n"
        f"| the same page filtered (impact=low), page 3 | {filtered * 1000:.0f} ms | < 300 ms |\n"
        f"| month overview, {args.people} people (the organisation's section and the team list) | "
        f"{overview * 1000:.0f} ms | < 1000 ms |\n"
        f"| one team's overview ({args.people // 25} people: tables, charts, people) | {team * 1000:.0f} ms | |\n"
        f"| old path (counts scanned from the signals table), month overview | {old_overview * 1000:.0f} ms | |\n"
        f"| old path, one team's overview | {old_team * 1000:.0f} ms | |\n"
        f"| speed-up of the month counts table: overview, team | {old_overview / overview:.1f}x, "
        f"{old_team / team:.1f}x | |\n"
        f"| baseline: bare SELECT of the person's signals of the month | {base * 1000:.1f} ms | |\n"
        f"| ratios to the baseline: person page, overview | {person / base:.1f}x, {overview / base:.1f}x | |\n"
        f"| cost of the count triggers: inserting {args.write_signals:,} signals with / without them | "
        f"{with_triggers:.2f} s / {without:.2f} s ({with_triggers / without:.2f}x) | |\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
