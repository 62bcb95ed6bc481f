"""Human output of ``rules eval``: figures per indicator and type, slices, then the mistakes to read.

Forge text and rule text are untrusted: every cell is a rich Text (never parsed as markup).
"""

from __future__ import annotations

import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from leadsig.rules.evaluation.scoring import Counts, Mistake, Rate, Scores
from leadsig.rules.language.indicators import BY_ID

TEXT_WIDTH = 160
WHY_WIDTH = 200


def render(scores: Scores, console: Console, errors: int = 10) -> None:
    console.print(_figures(scores))
    console.print(_rates(scores))
    if scores.tags:
        console.print(_tags(scores))
    if scores.confusion:
        console.print(_confusion(scores))
    for kind, title in (("fp", "false positives"), ("fn", "false negatives")):
        found = [m for m in scores.mistakes if m.kind == kind]
        shown = found[:errors]
        console.print(Text(f"\n{title}: {len(found)}" + (f" ({len(shown)} shown, --errors N for more)"
                                                         if len(shown) < len(found) else "")))
        for m in shown:
            console.print(Text(_mistake(m)), soft_wrap=True)


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _row(name: str, c: Counts) -> list[Text]:
    cells = [name, str(c.tp + c.fn), str(c.tp + c.fp), str(c.tp), str(c.fp), str(c.fn),
             _pct(c.precision), _pct(c.recall), _pct(c.f1)]
    return [Text(x) for x in cells]


def _figures(scores: Scores) -> Table:
    """One section per signal type: its indicators, then the type's total; the micro average last."""
    head = f"rules eval: {len(scores.outcomes)} items, {scores.rules} rules ({', '.join(scores.layers)})"
    if scores.indicator:
        head += f", indicator {scores.indicator} only"
    table = Table(title=Text(head), box=box.SIMPLE_HEAD, caption=Text(
        "labelled: items labelled with it; signals: items that got it"))
    table.add_column("indicator", no_wrap=True)
    for col in ("labelled", "signals", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(col, justify="right")
    for stype, total in scores.per_type.items():
        for ind, c in scores.per_indicator.items():
            if BY_ID[ind].signal_type == stype:
                table.add_row(*_row(ind, c))
        table.add_row(*_row(f"{stype} (all)", total), style="bold")
        table.add_section()
    table.add_row(*_row("overall (micro)", scores.micro), style="bold")
    return table


def _rate(r: Rate) -> str:
    return f"{r.with_signal} of {r.items}" + (f" ({r.rate:.0%})" if r.rate is not None else "")


def _rates(scores: Scores) -> Text:
    return Text(f"negative items with any signal: {_rate(scores.negatives)}; "
                f"hard_negative items with any signal: {_rate(scores.hard_negatives)}")


def _tags(scores: Scores) -> Table:
    table = Table(title=Text("per tag"), box=box.SIMPLE_HEAD)
    table.add_column("tag", overflow="fold")
    for col in ("items", "TP", "FP", "FN", "precision", "recall", "negatives with a signal"):
        table.add_column(col, justify="right")
    for tag, s in sorted(scores.tags.items()):
        c = s.counts
        table.add_row(*(Text(x) for x in (tag, str(s.items), str(c.tp), str(c.fp), str(c.fn), _pct(c.precision),
                                          _pct(c.recall), _rate(s.negatives))))
    return table


def _confusion(scores: Scores) -> Table:
    table = Table(title=Text("confusion: labelled one indicator, got another"), box=box.SIMPLE_HEAD)
    for col in ("labelled", "got instead", "items"):
        table.add_column(col, justify="right" if col == "items" else "left")
    for (labelled, got), n in sorted(scores.confusion.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(Text(labelled), Text(got), Text(str(n)))
    return table


def _mistake(m: Mistake) -> str:
    head = f"- {m.item.id} ({m.item.file}:{m.item.line})  {m.indicator}"
    if m.kind == "fp":
        lines = [head]
        for s in m.signals:
            lines.append(f"    rule {s['rule_id']} ({s['impact']}): why {_why(s)}")
    else:
        got = sorted({f"{s['indicator']} by {s['rule_id']}" for s in m.signals})
        lines = [head + "  labelled, no rule gave it" + (f"; got {', '.join(got)}" if got else "")]
    lines.append(f"    text: {trim(m.text)}")
    return "\n".join(lines)


def _why(signal: dict[str, Any]) -> str:
    conditions = (signal.get("why") or {}).get("conditions") or {}
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in conditions.items())
    return trim(text or "-", WHY_WIDTH)


def trim(text: str, width: int = TEXT_WIDTH) -> str:
    """One line: whitespace collapsed, cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def progress_printer(console: Console, at_least: int = 500) -> Any:
    """A progress callback for ``evaluate_files`` that speaks only for a corpus of ``at_least`` items."""
    def report(stage: str, done: int, total: int) -> None:
        if total >= at_least:
            console.print(Text(f"{stage}: {done}/{total} items"))

    return report


def gate_failures(scores: Scores, min_precision: float | None, min_recall: float | None) -> list[str]:
    """Why the run fails its gates (micro precision or recall under the threshold); empty when it passes."""
    out = []
    for name, value, limit in (("precision", scores.micro.precision, min_precision),
                               ("recall", scores.micro.recall, min_recall)):
        if limit is not None and (value is None or value < limit):
            out.append(f"micro {name} {_pct(value)} is under --min-{name} {limit:.2f}")
    return out
