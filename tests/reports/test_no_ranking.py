"""No ranking of people by a single number: alphabetical order whatever the counts, no per-person total."""

from __future__ import annotations

import html
import re

from leadsig.reports.monthly import build_monthly

NAMES = ["Zoe", "anna", "Mika", "Bruno", "Lea"]  # signal counts rise towards the alphabet's start


def _setup(wh):
    for n, name in enumerate(NAMES):
        wh.person(name.lower(), name=name)
        for _ in range((n + 1) * 2):
            wh.signal(name.lower(), signal_type="communication", indicator="writes_documentation")


def test_people_are_in_alphabetical_order_not_by_count(wh):
    _setup(wh)
    paths = build_monthly(wh.engine, wh.config(), "2026-10")
    md_order = re.findall(r"^### (\w+)$", paths["md"].read_text(), re.M)
    md_order = [n for n in md_order if n in NAMES]
    assert md_order == sorted(NAMES, key=str.casefold)
    by_count = [n for n, _ in sorted(((n, NAMES.index(n)) for n in NAMES), key=lambda x: -x[1])]
    assert md_order != by_count
    html_order = re.findall(r'<details class="person" id="person-(\w+)">', paths["html"].read_text())
    assert html_order == [n.lower() for n in sorted(NAMES, key=str.casefold)]
    csv_order = list(dict.fromkeys(line.split(",")[0] for line in paths["csv"].read_text().splitlines()[1:]))
    assert csv_order == sorted(NAMES, key=str.casefold)


def test_no_per_person_total_or_score(wh):
    _setup(wh)
    paths = build_monthly(wh.engine, wh.config(), "2026-10")
    for text in (paths["md"].read_text(), paths["html"].read_text()):
        assert not re.search(r"\b(total|score|rank(ing)?)\b", _without_note(text), re.I)
    md = paths["md"].read_text()
    person_tables = re.findall(r"^### \w+\n\n.*?\n\n(\|.*?)\n\n", md, re.M | re.S)
    assert person_tables and all(t.splitlines()[0] == "| Signal type | high | medium | low |"
                                 for t in person_tables)
    assert paths["csv"].read_text().splitlines()[0].split(",") == [
        "Team Member", "Signal Type", "Evidence", "Date", "Impact", "Indicator", "Rule"]


def _without_note(text: str) -> str:
    """The note says the report has no ranking or score; the rest must not have one."""
    text = html.unescape(text)
    for phrase in ("No one is ranked, and no person's signals are added up into a score.",
                   "not a performance score"):
        text = text.replace(phrase, "")
    return text
