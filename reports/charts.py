"""Small charts as inline SVG (HTML) and Unicode sparklines (Markdown).

Written by hand rather than with a plotting library: three chart shapes of a few dozen elements each,
no new dependency, no script, and the HTML stays one file that opens offline. Every label goes through
markupsafe.escape, though labels here come from the roster and the month, not from the forge.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from leadsig.reports.indicators import SIGNAL_TYPES

COLORS = {"technical": "#4c72b0", "operational": "#dd8452", "communication": "#55a868"}
PEOPLE_COLOR = "#b0b0b0"
SIGNAL_COLOR = "#4c72b0"
BLOCKS = "▁▂▃▄▅▆▇█"


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" aria-label="{escape(label)}"><title>{escape(label)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def trend_chart(rows: list[dict], label: str = "Signals per month by type") -> Markup:
    """Grouped bars: one group per month, one bar per signal type, with a legend."""
    width, height, top, bottom, left = 60 + 56 * len(rows), 170, 24, 26, 30
    plot = height - top - bottom
    peak = max([r[t] for r in rows for t in SIGNAL_TYPES] + [1])
    body = [f'<line x1="{left}" y1="{top + plot}" x2="{width - 4}" y2="{top + plot}" stroke="#888"/>',
            f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{peak}</text>',
            f'<text x="{left - 4}" y="{top + plot}" font-size="10" text-anchor="end">0</text>']
    for i, row in enumerate(rows):
        x0 = left + 8 + i * 56
        for j, t in enumerate(SIGNAL_TYPES):
            h = round(plot * row[t] / peak, 1)
            body.append(f'<rect class="bar" x="{x0 + j * 14}" y="{top + plot - h}" width="12" height="{h}" '
                        f'fill="{COLORS[t]}"><title>{escape(row["month"])} {t}: {row[t]}</title></rect>')
        body.append(f'<text x="{x0 + 21}" y="{height - 10}" font-size="10" text-anchor="middle">'
                    f'{escape(row["month"])}</text>')
    for j, t in enumerate(SIGNAL_TYPES):
        x = left + j * 100
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{COLORS[t]}"/>'
                    f'<text x="{x + 14}" y="13" font-size="10">{t}</text>')
    return _svg(max(width, 340), height, label, body)


def share_chart(rows: list[dict], label: str) -> Markup:
    """Paired horizontal bars per group: share of the team's people, share of its signals."""
    row_h, left, bar_w = 30, 130, 220
    height = 22 + row_h * len(rows)
    body = [f'<rect x="{left}" y="4" width="10" height="10" fill="{PEOPLE_COLOR}"/>'
            f'<text x="{left + 14}" y="13" font-size="10">share of people</text>',
            f'<rect x="{left + 120}" y="4" width="10" height="10" fill="{SIGNAL_COLOR}"/>'
            f'<text x="{left + 134}" y="13" font-size="10">share of signals</text>']
    for i, row in enumerate(rows):
        y = 20 + i * row_h
        body.append(f'<text x="{left - 6}" y="{y + 16}" font-size="11" text-anchor="end">'
                    f'{escape(str(row["group"])[:22])}</text>')
        pw = round(bar_w * row["people_share"], 1)
        body.append(f'<rect class="bar" x="{left}" y="{y + 2}" width="{pw}" height="11" fill="{PEOPLE_COLOR}">'
                    f'<title>{row["people_share"]:.0%} of people</title></rect>')
        if row["shown"]:
            sw = round(bar_w * row["signal_share"], 1)
            body.append(f'<rect class="bar" x="{left}" y="{y + 14}" width="{sw}" height="11" fill="{SIGNAL_COLOR}">'
                        f'<title>{row["signal_share"]:.0%} of signals</title></rect>')
        else:
            body.append(f'<text x="{left + 2}" y="{y + 24}" font-size="9" fill="#666">signals withheld: small group'
                        '</text>')
    return _svg(left + bar_w + 60, height, label, body)


def sparkline(values: list[int]) -> str:
    """A Markdown-safe trend: one block character per month, scaled to the largest month."""
    peak = max(values + [0])
    if peak == 0:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[min(len(BLOCKS) - 1, round((len(BLOCKS) - 1) * v / peak))] for v in values)


def mini_trend(rows: list[dict], label: str = "Signals per month by type") -> Markup:
    """A 120x28 line per signal type: enough to see a person's months, too small to compare people by."""
    width, height, pad = 120, 28, 2
    peak = max([r[t] for r in rows for t in SIGNAL_TYPES] + [1])
    step = (width - 2 * pad) / max(len(rows) - 1, 1)
    body = []
    for t in SIGNAL_TYPES:
        points = " ".join(f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * r[t] / peak:.1f}"
                          for i, r in enumerate(rows))
        body.append(f'<polyline fill="none" stroke="{COLORS[t]}" stroke-width="1.5" points="{points}"/>')
    return _svg(width, height, label, body)
