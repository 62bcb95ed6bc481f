"""`leadsig demo` writes every report, and every evidence link opens the simulator's page of that activity."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy import create_engine, text

from leadsig.flows.demo import DEMO_SEED, DEMO_SIZE, run_demo
from leadsig.simulator.server import ForgeSimulator


def test_demo_reports_link_to_served_evidence(prefect_harness, tmp_path: Path) -> None:
    # The demo's own size: the tiny org has too few threads for its last complete month to carry a signal
    # on every day of the month (the report was empty when "now" fell late in a month).
    with ForgeSimulator(size=DEMO_SIZE, seed=DEMO_SEED, now=datetime.now(UTC)) as sim:
        paths = run_demo(tmp_path / "demo", sim=sim)
        assert {"monthly md", "monthly html", "monthly csv", "packet md", "packet html"} <= set(paths)
        assert all(p.exists() and p.stat().st_size > 0 for p in paths.values())
        monthly, packet = paths["monthly md"].read_text(), paths["packet md"].read_text()
        assert "## Rotations\n" in monthly and "| sprint-lead |" in monthly  # the simulator wrote a rotation
        assert "### sprint-lead, " in packet.split("## Rotating roles", 1)[1].split("\n## ", 1)[0]
        assert paths["packet html"].name.startswith(paths["packet md"].stem)
        with paths["monthly csv"].open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        packet_links = re.findall(r"\(<?(http://127\.0\.0\.1:\d+/[^)>\s]+)>?\)", paths["packet md"].read_text())
        links = {r["Evidence"] for r in rows} | set(packet_links)
        assert rows and packet_links
        engine = create_engine(f"sqlite:///{tmp_path / 'demo' / 'leadsig.db'}")
        with engine.connect() as conn:
            actor = dict(conn.execute(text(
                "select s.evidence_url, a.actor_login from signals s join activities a on a.id = s.activity_id")).all())
        session = requests.Session()
        for link in sorted(links):
            assert link.startswith(sim.url), link
            page = session.get(link, timeout=10)
            assert page.status_code == 200, link
            fragment = urlsplit(link).fragment
            if fragment:  # the exact review, comment or note, by the person the signal is about
                block = page.text.split(f"id='{fragment}'", 1)
                assert len(block) == 2, f"{link}: no element {fragment}"
                login = actor[link]
                assert f"@{login}" in block[1].split("</div></div>", 1)[0], link
