"""How long `leadsig export --person` takes for a person with a year of heavy activity (target: < 60 s).

Baseline, in the same run: one bare SELECT of that person's activity rows, the least any export must do.
Writes benchmarks/results/export_person.md.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from leadsig.activity import KINDS, Activity  # noqa: E402
from leadsig.roster import IdentityResolver, Login, Person, Roster  # noqa: E402
from leadsig.warehouse import models as m  # noqa: E402
from leadsig.warehouse import store  # noqa: E402
from leadsig.warehouse.db import open_warehouse  # noqa: E402

ACTIVITIES_PER_PERSON = int(os.environ.get("LEADSIG_BENCH_EXPORT_N", 10_000))  # a busy year: ~40 a working day
OTHERS = 50


def build(db: Path) -> None:
    rng = random.Random(5)
    people = [Person(id=f"p{i}", name=f"P {i}", team="t", start_date=date(2022, 1, 1), timezone="Europe/Berlin",
                     github=[Login(f"p{i}")]) for i in range(OTHERS + 1)]
    resolver = IdentityResolver(Roster(people))
    engine = open_warehouse(f"sqlite:///{db}")
    store.sync_roster(engine, resolver.roster, resolver)
    start = datetime(2025, 11, 1, tzinfo=UTC)
    for p in people[:3]:  # p0 is the one exported; two others share the warehouse
        acts = [Activity(forge="github", host="github.com", kind=rng.choice(KINDS), native_id=f"{p.id}-{n}",
                         repo="acme/api", actor_login=p.id, occurred_at=start + timedelta(minutes=50 * n),
                         url=f"https://github.com/acme/api/pull/{n}#x{n}", parent_number=n, parent_title=f"T {n}",
                         body="Have you considered a cache here? " * 8) for n in range(ACTIVITIES_PER_PERSON)]
        store.save_batch(engine, "gh", "acme/api", "pulls", acts, None, resolver)
        now = datetime.now(UTC)
        with engine.begin() as conn:
            conn.execute(insert(m.Signal), [
                {"activity_id": a.id, "rule_id": "r", "rule_version": 1, "rule_hash": "h", "person_id": p.id,
                 "signal_type": "technical", "indicator": "mentors_in_reviews", "impact": "medium",
                 "evidence_url": a.url, "occurred_at": a.occurred_at, "summary": "s", "why": {"c": True},
                 "classified_at": now} for a in acts[::3]])
    (db.parent / "leadsig.yaml").write_text(f"warehouse: sqlite:///{db}\nroster: people.yaml\n")
    lines = ["people:"] + [f"  - id: {p.id}\n    name: {p.name}\n    team: t\n    start_date: 2022-01-01\n"
                           f"    github: [{p.id}]" for p in people]
    (db.parent / "people.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    from leadsig.flows.cli.people import export

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.db"
        build(db)
        engine = open_warehouse(f"sqlite:///{db}")
        t0 = time.perf_counter()
        with engine.connect() as conn:
            n = len(conn.execute(select(m.Activity.__table__).where(m.Activity.person_id == "p0")).all())
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        export(person="p0", out=Path(tmp) / "out", config=Path(tmp) / "leadsig.yaml", as_="benchmark")
        took = time.perf_counter() - t0
        files = [f for f in (Path(tmp) / "out").rglob("*") if f.is_file()]
        size = sum(f.stat().st_size for f in files)
    out = ROOT / "benchmarks" / "results" / "export_person.md"
    out.write_text(
        "# Export of one person's data (`leadsig export --person`)\n\n"
        f"A person with {n:,} activities and {n // 3 + 1:,} signals in a year, in a SQLite warehouse shared with "
        f"{OTHERS} other people.\n\n| figure | value | target |\n|---|---|---|\n"
        f"| export (JSON + CSV + evidence pack) | {took:.2f} s | < 60 s |\n"
        f"| baseline: bare SELECT of the person's activity rows | {base:.2f} s | |\n"
        f"| ratio export / baseline | {took / base:.1f}x | |\n"
        f"| files written | {len(files)}, {size / 1e6:.1f} MB | |\n",
        encoding="utf-8")
    print(out.read_text())


if __name__ == "__main__":
    main()
