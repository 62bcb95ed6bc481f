"""Which texts each text scan reads, and in what order: the engine's prescan (rules.matcher.engine).

Why: the scans (Hyperscan, the phrase matcher) cost in proportion to the texts they read and, for Hyperscan,
to the patterns in its database (two halves of the default pack's patterns scan in about the time of all
of them together). So no scan reads every text of a column:

1. a first pass reads the texts of the rules' kinds with every phrase family (the word matcher answers all
   families in one pass over the words, whatever their number) and, for each rule, the patterns of a part
   of its top-level ``and`` that must hold (prune.first_tests);
2. with those answers and the cheap conditions known, each rule's rows narrow to those where the rule may
   still hold (rules.matcher.prune: its open rows);
3. a rule still open on many of its rows gets its next cut scanned on those rows, and narrows again
   (``_next_cut``: a weak first cut otherwise makes the last pass read every other pattern on most texts);
4. a last pass reads only the open rows with every other pattern.

(Ruling rows out with the cheap conditions before the first pass as well cost more than it saved: it left
88% of the texts to read, on the default pack.) Without the C modules (RE2 alone) there is no first pass:
the cheap conditions alone narrow the rows RE2 reads.

What neither pass answers goes to RE2, as before (a union prefilter over the rows still open, then per
rule). No answer changes: a test answers each row on its own, a row is only ruled out where the tree is false
whatever the unread texts say, and a test asked about a row no pass read is answered by RE2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.model import Condition, Rule
from leadsig.rules.matcher import prune, textscan
from leadsig.rules.matcher.scan import scannable

Tests = dict[str, dict[str, tuple[Condition, set[int]]]]  # field -> signature -> (test, rules using it)


def prescan(frame: Any, rules: list[Rule]) -> None:
    """Answer the text tests of ``rules`` on ``frame`` (an engine.Frame) in passes, a column at a time."""
    texts, uses = _text_tests(rules)
    frame.count_uses(uses)
    first: set[str] = set()
    if textscan.engine() is not None:  # the first pass reads every text of the rules' kinds (module docstring)
        for rule in rules:
            frame.narrow(rule, frame.rows_of(rule.kinds))
        words = frozenset(s for conds in texts.values() for s, (c, _) in conds.items() if textscan.by_words(spec(c)))
        first = set(words)
        for rule in rules:
            first |= prune.first_tests(rule.match, rule.conditions, words)
    answered: dict[str, set[str]] = {name: set() for name in texts}
    for name, conds in texts.items():
        part = {s: v for s, v in conds.items() if s in first}
        if part:
            answered[name] = frame.scan_texts(name, {s: c for s, (c, _) in part.items()}, _rows(frame, rules, part))
    _narrow(frame, rules, answered)
    for _ in range(MORE_CUTS):
        if not _next_cut(frame, rules, texts, answered):
            break
    for name, conds in texts.items():
        part = {s: v for s, v in conds.items() if s not in answered[name]}
        if part:
            answered[name] |= _last_pass(frame, rules, name, part)
        f = F.lookup(name)
        rest = {s: v for s, v in conds.items() if s not in answered[name] and f is not None and f.distinct
                and spec(v[0])[0] == "regex" and scannable(spec(v[0])[1])}
        frame.union_prefilter(name, {s: c for s, (c, _) in rest.items()}, _rows(frame, rules, rest))


MORE_CUTS = 2  # passes between the first and the last, each reading only the rows a wide-open rule still has
WIDE = 8  # a rule is wide open when more than 1/WIDE of its kinds' rows are still open after a pass
WIDE_MIN = 2000  # ... and at least this many: a pass over fewer rows costs more in overhead than it saves


def _narrow(frame: Any, rules: list[Rule], answered: dict[str, set[str]]) -> None:
    """Each rule's open rows, read again with every answer so far."""
    known = frozenset(s for got in answered.values() for s in got)
    if known:
        for rule in rules:
            frame.narrow(rule, prune.open_rows(rule.match, rule.conditions, frame.open_rows(rule), frame.test, known))


def _next_cut(frame: Any, rules: list[Rule], texts: Tests, answered: dict[str, set[str]]) -> bool:
    """Scan the next cut of each rule still open on many rows, on the open rows of the rules using it; False: none.

    Why: a rule's first cut can be weak (``(busy or busy_text) and ...``, where the cheap ``busy`` holds on
    most rows), and then the last pass reads every remaining pattern on most texts for that one rule. Its
    next cut, with the answers so far known, narrows it first (the default pack at 200,000 activities: the
    last pass read 95,801 bodies with 84 patterns; now 89,513 with 6, then 19,646 with 78).
    """
    known = frozenset(s for got in answered.values() for s in got)
    wide = [r for r in rules if _wide(frame, r)]
    cut: set[str] = set()
    for rule in wide:
        cut |= prune.first_tests(rule.match, rule.conditions, known) - known
    scanned = False
    for name, conds in texts.items():
        part = {s: v for s, v in conds.items() if s in cut and s not in answered[name]}
        if part:
            # the rows of every rule using these tests, as in the first pass: a test counts as answered from now on
            got = frame.scan_texts(name, {s: c for s, (c, _) in part.items()}, _rows(frame, rules, part))
            answered[name] |= got
            scanned |= bool(got)  # RE2 alone answers nothing here: no pass, no narrowing
    if scanned:  # only the wide rules: the others' rows are few already, and the last pass reads them as they are
        _narrow(frame, wide, answered)
    return scanned


def _last_pass(frame: Any, rules: list[Rule], name: str, part: dict[str, tuple[Condition, set[int]]]) -> set[str]:
    """Scan the tests of ``part`` rule by rule: each rule's own tests on its own open rows; the signatures answered.

    Why: one database of every remaining test read on the union of the rules' open rows read each row with
    every rule's patterns (the default pack at 200,000 activities: 103 patterns on 23,269 bodies, 0.115 s CPU);
    rule by rule, each row is read with the few patterns of the rules still open on it (0.030 s). A test two
    rules share is read on both rules' rows, and its answers merge (Frame.scan_texts). Compiling a database per
    rule costs more once per process (about 1.2 s more with the default pack, the on-disk cache aside).
    """
    got: set[str] = set()
    for i, rule in enumerate(rules):
        mine = {s: c for s, (c, used) in part.items() if i in used}
        rows = frame.open_rows(rule)
        if mine and rows.size:
            got |= frame.scan_texts(name, mine, rows)
    return got


def _wide(frame: Any, rule: Rule) -> bool:
    """Open on more than 1/WIDE of its kinds' rows, and on WIDE_MIN rows or more."""
    size = frame.open_rows(rule).size
    return size >= WIDE_MIN and size * WIDE > frame.rows_of(rule.kinds).size


def spec(c: Condition) -> O.ScanSpec | None:
    """How one scan over many texts answers ``c`` (None: it cannot, or the field is not text)."""
    scan = O.get(c.op).scan
    return scan(c) if scan is not None and c.ftype in O.TEXTUAL else None


def _text_tests(rules: list[Rule]) -> tuple[Tests, dict[str, int]]:
    """The scannable tests per column with the rules using each, and the number of distinct tests per field."""
    texts: Tests = {}
    uses: dict[str, set[str]] = {}
    for i, rule in enumerate(rules):
        for c in [*rule.conditions.values(), *(s.test for s in rule.impact if s.test is not None)]:
            uses.setdefault(c.field, set()).add(prune.signature(c))
            if spec(c) is not None:
                texts.setdefault(c.field, {}).setdefault(prune.signature(c), (c, set()))[1].add(i)
    return texts, {name: len(sigs) for name, sigs in uses.items()}


def _rows(frame: Any, rules: list[Rule], part: dict[str, tuple[Condition, set[int]]]) -> np.ndarray:
    """The open rows of every rule using a test of ``part``."""
    return frame.rows_for([rules[i] for i in sorted({i for _, used in part.values() for i in used})])
