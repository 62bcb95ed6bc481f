"""Answering every text condition on a column in one pass, with Hyperscan, where that gives RE2's answer.

Rules are defined by RE2 (rules.regex): RE2 is the engine of record, and the naive interpreter and
``leadsig rules explain`` use nothing else. Matching each comment with RE2 costs a Python call per text
and per condition, which a million comments turn into seconds, so the vectorised engine hands the text
conditions of a column to the C module rules._textscan: one Hyperscan database of all of them, each
text scanned once as its own block, answers for every condition at once.

Hyperscan speaks PCRE, not RE2. A condition goes to it only when the two agree, and a text only where
they agree on it:

- patterns: ASCII, parsed without error by Python's regex parser (which refuses RE2-only syntax such as
  ``\\pL``, ``\\C`` and ``(?U)``), no ``{,n}`` (a literal in RE2), no NUL, and compiled by Hyperscan;
  everything else stays on RE2;
- texts: ASCII only (RE2 folds case and reads ``.`` per Unicode character, Hyperscan per byte here);
- ``\\s``/``\\S`` differ on the vertical tab (PCRE counts it as space, RE2 does not), so texts with a
  ``\\v`` are left to RE2 for patterns using them; ``$`` and multi-line ``^`` differ at a final newline,
  so texts ending in ``\\n`` are left to RE2 for patterns using them.

A test compares both engines on a corpus of patterns and awkward texts. Where the C module is not built
(no Hyperscan headers), :func:`available` is False and the engine uses RE2 for everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from leadsig.rules.regex import python_tree

try:  # built by setup.py when Hyperscan is installed (Debian: libhyperscan-dev)
    from leadsig.rules import _textscan
except ImportError:  # pragma: no cover - depends on the machine
    _textscan = None

UNDECIDED = 1  # these bits mirror FLAG_* in _textscan.c
VERTICAL_TAB = 2
ENDS_NEWLINE = 4

Spec = tuple[str, object, bool]  # (op, pattern or needles, ignore case)


def available() -> bool:
    return _textscan is not None


@dataclass(frozen=True)
class Plan:
    """A compiled database and, per spec given to :func:`plan`, its pattern id (None: answer with RE2)."""

    scanner: object
    ids: tuple[int | None, ...]
    caveats: np.ndarray  # per pattern id: text flags that leave that pattern's answer to RE2


def translate(spec: Spec) -> tuple[str, int] | None:
    """(Hyperscan pattern, text flags it cannot answer) for a spec both engines agree on, else None."""
    op, value, fold = spec
    if op == "contains":
        needles = tuple(value)  # type: ignore[arg-type]
        if not needles or not all(n and n.isascii() and "\x00" not in n for n in needles):
            return None
        return "(?:" + "|".join("".join(c if c.isalnum() else f"\\x{ord(c):02x}" for c in n) for n in needles) \
            + ")", 0
    pattern = str(value)
    if not pattern.isascii() or "\x00" in pattern or "{," in pattern:
        return None
    import re._constants as c

    tree = python_tree(pattern)
    if tree is None:
        return None
    caveats = 0
    nodes = list(_walk(tree, c))
    multiline = bool(tree.state.flags & re.MULTILINE) or any(
        op_ is c.SUBPATTERN and av[1] & re.MULTILINE for op_, av in nodes)
    for op_, av in nodes:
        if op_ is c.AT and (av is c.AT_END or (av is c.AT_BEGINNING and multiline)):
            caveats |= ENDS_NEWLINE
        if op_ is c.CATEGORY and av in (c.CATEGORY_SPACE, c.CATEGORY_NOT_SPACE):
            caveats |= VERTICAL_TAB
    return pattern, caveats


def _walk(tree: object, c: object):  # type: ignore[no-untyped-def]
    """Every (op, argument) in a parsed pattern, inside groups, repeats, branches and classes."""
    for op, av in tree:  # type: ignore[attr-defined]
        yield op, av
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):  # type: ignore[attr-defined]
            yield from _walk(av[2], c)
        elif op is c.SUBPATTERN:  # type: ignore[attr-defined]
            yield from _walk(av[-1], c)
        elif op is c.BRANCH:  # type: ignore[attr-defined]
            for branch in av[1]:
                yield from _walk(branch, c)
        elif op is c.IN:  # type: ignore[attr-defined]
            yield from av


@lru_cache(maxsize=32)
def plan(specs: tuple[Spec, ...]) -> Plan | None:
    """Compile the specs both engines agree on into one database (cached: rules rarely change in a run)."""
    if _textscan is None:
        return None
    chosen: dict[int, tuple[str, int]] = {}
    for i, spec in enumerate(specs):
        t = translate(spec)
        if t is not None:
            chosen[i] = t
    while chosen:
        order = sorted(chosen)
        flags = [_textscan.HS_FLAG_CASELESS if specs[i][2] else 0 for i in order]
        try:
            scanner = _textscan.compile([chosen[i][0].encode("ascii") for i in order], flags)
        except _textscan.CompileError as e:  # e.g. a pattern that can match the empty text: RE2 answers it
            bad = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else -1
            if not 0 <= bad < len(order):
                return None
            del chosen[order[bad]]
            continue
        ids = tuple(order.index(i) if i in chosen else None for i in range(len(specs)))
        caveats = np.array([chosen[i][1] for i in order], np.uint8)
        return Plan(scanner, ids, caveats)
    return None


def answers(p: Plan, texts: list[object]) -> np.ndarray:
    """int8 matrix (pattern id, text): 1 match, 0 no match, -1 not answered here (ask RE2)."""
    matrix, marks = p.scanner.scan(texts)  # type: ignore[attr-defined]
    width = len(p.caveats)
    out = np.frombuffer(matrix, np.int8).reshape(width, len(texts))
    flags = np.frombuffer(marks, np.uint8)
    if flags.any():
        out = out.copy()
        for j in range(width):
            out[j, (flags & (UNDECIDED | p.caveats[j])) != 0] = -1
    return out
