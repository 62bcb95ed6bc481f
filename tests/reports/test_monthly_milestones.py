"""The monthly report shows each person's track and stage, the nominal duration as context, and the milestones
newly met that month with their evidence; never a schedule verdict."""

from __future__ import annotations

from datetime import date, timedelta

from threads import T0, Threads

from leadsig.reports.monthly import build_monthly


def test_milestones_newly_met_this_month_and_not_the_ones_met_before(wh) -> None:
    th = Threads(wh.engine)
    th.on_track(th.person("mia"), since=date(2026, 1, 5))
    th.on_track(th.person("noor"), since=None)
    for j in ("jo", "jules"):
        th.person(j, level="junior")
    # mia: the second junior's merged PR lands in March; noor: both in February
    th.signal("mia", th.thread("jo", merged=True, at=T0 - timedelta(days=30)), "mentors_in_reviews",
              at=T0 - timedelta(days=30), author="jo")
    evidence = th.signal("mia", th.thread("jules", merged=True), "mentors_in_reviews", author="jules")
    for j in ("jo", "jules"):
        th.signal("noor", th.thread(j, merged=True, at=T0 - timedelta(days=25)), "mentors_in_reviews",
                  at=T0 - timedelta(days=25), author=j)
    paths = build_monthly(wh.engine, wh.config(min_group_size=1), "2026-03")
    md = paths["md"].read_text()
    mia, noor = md.split("### Mia")[1].split("### Noor")
    assert "Track: Technical leadership, stage Early leadership since 2026-01-05" in mia
    assert "nominally about 3 months; context only" in mia
    assert "Mentored 2+ junior engineers through complete features (measured)" in mia and evidence in mia
    assert "Milestones met this month" not in noor and "No milestone newly met this month." in noor
    html = paths["html"].read_text()
    assert "Mentored 2+ junior engineers" in html and f'href="{evidence}"' in html
    for text in (md.lower(), html.lower()):
        assert "behind" not in text and "overdue" not in text
