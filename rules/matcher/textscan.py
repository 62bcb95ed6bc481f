"""Answering every text condition on a column in one pass, with Hyperscan, where that gives RE2's answer.

Rules are defined by RE2 (rules.regex): RE2 is the engine of record, and the naive interpreter and
``leadsig rules explain`` use nothing else. Matching each comment with RE2 costs a Python call per text
and per condition, which a million comments turn into seconds, so the vectorised engine hands the text
conditions of a column to Hyperscan: one database of all of them, each text scanned once as its own
block, answers for every condition at once. Two builds of that scan exist, with the same answers:

- ``module``: the C module rules.matcher._textscan (built by setup.py where libhyperscan-dev is installed),
  one C loop over the texts with no Python call per text or per match;
- ``hyperscan``: the ``hyperscan`` package from PyPI (its wheels carry the library), one Python call per
  text and per matching pattern. Measured on the default pack it makes the whole match about 3x slower
  than the module, and slower than RE2 alone, so it runs only when asked for (docs/rule-engine.md).

``LEADSIG_TEXTSCAN`` (read by :func:`engine` only) chooses: ``auto`` (the default: the module where it is
built, else RE2 alone), ``module``, ``hyperscan``, or ``off`` (RE2 alone, as an install without the module
runs), so CI runs the rule tests on each path.

Hyperscan speaks PCRE, not RE2. A condition goes to it only when the two agree, and a text only where
they agree on it:

- patterns: ASCII, parsed without error by Python's regex parser (which refuses RE2-only syntax such as
  ``\\pL``, ``\\C`` and ``(?U)``), no ``{,n}`` (a literal in RE2), no NUL, and compiled by Hyperscan;
  everything else stays on RE2;
- texts: ASCII only (RE2 folds case and reads ``.`` per Unicode character, Hyperscan per byte here);
- ``\\s``/``\\S`` differ on the vertical tab (PCRE counts it as space, RE2 does not), so texts with a
  ``\\v`` are left to RE2 for patterns using them; ``$`` and multi-line ``^`` differ at a final newline,
  so texts ending in ``\\n`` are left to RE2 for patterns using them.

A test compares both engines on a corpus of patterns and awkward texts, with each build.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from leadsig.errors import Problem, UserError
from leadsig.rules.language.operators import ScanSpec
from leadsig.rules.language.regex import python_tree
from leadsig.rules.matcher import phrasescan, scancache

try:  # built by setup.py when Hyperscan is installed (Debian: libhyperscan-dev)
    from leadsig.rules.matcher import _textscan
except ImportError:  # pragma: no cover - depends on the machine
    _textscan = None
try:  # the PyPI package, where a wheel exists for the platform
    import hyperscan
except ImportError:  # pragma: no cover - depends on the machine
    hyperscan = None

ENV = "LEADSIG_TEXTSCAN"
CHOICES = ("auto", "module", "hyperscan", "off")
UNDECIDED = 1  # these bits mirror FLAG_* in _textscan.c
VERTICAL_TAB = 2
ENDS_NEWLINE = 4

Spec = ScanSpec  # ("regex", pattern, ignore case) or ("literals", needles, ignore case)


def engine() -> str | None:
    """The build that answers text conditions here: 'module', 'hyperscan', or None for RE2 alone.

    The one place ``LEADSIG_TEXTSCAN`` is read, so CI can run the rule tests on each path.
    """
    want = os.environ.get(ENV, "").strip().lower() or "auto"
    if want not in CHOICES:
        raise UserError(Problem(f"{want!r} is not a text scan engine", file="environment", key=ENV, code="bad-value",
                                hint="one of: " + ", ".join(CHOICES)))
    if want in ("auto", "module") and _textscan is not None:
        return "module"
    if want == "hyperscan" and hyperscan is not None:
        return "hyperscan"
    if want in ("module", "hyperscan"):
        raise UserError(Problem(f"{want} asked for, but {_MISSING[want]}", file="environment", key=ENV,
                                code="not-installed",
                                hint=f"install it, or unset {ENV} to use what is installed"))
    return None


_MISSING = {"module": "rules.matcher._textscan was not built (install libhyperscan-dev, then reinstall leadsig)",
            "hyperscan": "the hyperscan package is not installed (pip install hyperscan)"}


def available() -> bool:
    return engine() is not None


@dataclass(frozen=True)
class Plan:
    """A compiled database and, per spec given to :func:`plan`, its pattern id (None: answer with RE2)."""

    scanner: object
    ids: tuple[int | None, ...]
    caveats: np.ndarray  # per pattern id: text flags that leave that pattern's answer to RE2


def translate(spec: Spec) -> tuple[str, int] | None:
    """(Hyperscan pattern, text flags it cannot answer) for a spec both engines agree on, else None."""
    kind, value, fold = spec
    if kind == "literals":
        needles = tuple(value)  # type: ignore[arg-type]
        if not needles or not all(n and n.isascii() and "\x00" not in n for n in needles):
            return None
        return "(?:" + "|".join("".join(c if c.isalnum() else f"\\x{ord(c):02x}" for c in n) for n in needles) \
            + ")", 0
    pattern = str(value)
    if not pattern.isascii():
        pattern = ascii_classes(pattern)  # type: ignore[assignment]
    if pattern is None or "\x00" in pattern or "{," in pattern:
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


def ascii_classes(pattern: str) -> str | None:
    """The pattern as Hyperscan may read it on ASCII texts, or None: non-ASCII characters never match there.

    A non-ASCII member of a character class is dropped (``['’]`` -> ``[']``) and a non-ASCII literal elsewhere
    becomes ``[\\x80-\\xff]``, a byte no ASCII text has, so its branch fails as RE2's does; Hyperscan only
    ever sees ASCII texts. A character that case folding relates to an ASCII one (the Kelvin sign, the long
    s), a range end, an escaped one, a POSIX class or a class left empty keep the pattern on RE2.
    """
    if "[:" in pattern:
        return None
    out: list[str] = []
    i, in_class, start, first = 0, False, 0, 0  # first: where the open class's members begin in the pattern
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if not pattern[i + 1:i + 2].isascii():
                return None
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch.isascii():
            if in_class and ch == "]" and i > first:  # a ']' first in a class is one of its members
                if len(out) == start:
                    return None  # every member was dropped
                in_class = False
            elif not in_class and ch == "[":
                first = i + (2 if pattern.startswith("[^", i) else 1)
                out.append(pattern[i:first])
                start, in_class, i = len(out), True, first
                continue
            out.append(ch)
            i += 1
            continue
        if any(c.isascii() for c in ch.lower() + ch.upper() + ch.casefold()):
            return None
        if in_class and ((pattern[i - 1] == "-" and i - 2 >= 0 and pattern[i - 2] not in "[^")
                         or (pattern[i + 1:i + 2] == "-" and pattern[i + 2:i + 3] != "]")):
            return None
        if not in_class:
            out.append("[\\x80-\\xff]")
        i += 1
    return None if in_class else "".join(out)


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


def plan(specs: tuple[Spec, ...]) -> Plan | None:
    """Compile the specs both engines agree on into one database (None: RE2 answers every spec)."""
    built = engine()
    return None if built is None else _plan(specs, built)


@lru_cache(maxsize=128)
def _plan(specs: tuple[Spec, ...], built: str) -> Plan | None:
    """Cached per build: rules rarely change in a run. A pattern Hyperscan refuses is dropped, not fatal.

    With the C modules, phrase families go to rules.matcher.phrasescan (words, not an NFA) and the rest to
    Hyperscan; both answer as rows of one matrix.
    """
    words = _phrase_specs(specs) if built == "module" else {}
    hs = _hyperscan_plan(specs, built, set(words))
    if not words:
        return hs
    order = sorted(words)
    matcher = phrasescan.matcher([words[i] for i in order])
    width = len(hs.caveats) if hs is not None else 0
    ids = tuple(width + order.index(i) if i in words else hs.ids[i] if hs is not None else None
                for i in range(len(specs)))
    caveats = np.concatenate([hs.caveats if hs is not None else np.zeros(0, np.uint8), np.zeros(len(order), np.uint8)])
    return Plan(Joined(hs.scanner if hs is not None else None, matcher), ids, caveats)


def by_words(spec: Spec | None) -> bool:
    """True where this install answers the spec with the word matcher (a phrase family, the C modules)."""
    if spec is None or engine() != "module" or not phrasescan.built():
        return False
    kind, value, fold = spec
    return kind == "regex" and fold and _parsed(str(value)) is not None


@lru_cache(maxsize=1024)
def _parsed(pattern: str) -> tuple[phrasescan.Phrase, ...] | None:
    return phrasescan.parse(pattern)


def _phrase_specs(specs: tuple[Spec, ...]) -> dict[int, tuple[phrasescan.Phrase, ...]]:
    """Specs that are phrase families rules.matcher.phrasescan answers exactly, by position."""
    if not phrasescan.built():
        return {}
    out = {}
    for i, (kind, value, fold) in enumerate(specs):
        if kind == "regex" and fold:
            phrases = phrasescan.parse(str(value))
            if phrases is not None:
                out[i] = phrases
    return out


class Joined:
    """Hyperscan's rows then the phrase matcher's, for the same texts, as one scanner."""

    def __init__(self, hs: object | None, words: object):
        self.hs, self.words = hs, words

    def scan(self, texts: list[object], rows: np.ndarray | None = None) -> tuple[bytearray, bytearray]:
        matrix, marks = self.words.scan(texts, rows)  # type: ignore[attr-defined]
        if self.hs is None:
            return matrix, marks
        first, flags = self.hs.scan(texts, rows)  # type: ignore[attr-defined]
        first += matrix
        return first, flags  # Hyperscan's flags: a superset of the phrase matcher's (UNDECIDED alike)


def _hyperscan_plan(specs: tuple[Spec, ...], built: str, skip: set[int]) -> Plan | None:
    """One Hyperscan database of the specs not in ``skip`` that both engines agree on (ids: None elsewhere)."""
    chosen: dict[int, tuple[str, int]] = {}
    for i, spec in enumerate(specs):
        t = None if i in skip else translate(spec)
        if t is not None:
            chosen[i] = t
    compile_ = _compile_module if built == "module" else PackageScanner
    while chosen:
        order = sorted(chosen)
        flags = [(_CASELESS if specs[i][2] else 0) | _SINGLEMATCH for i in order]
        try:
            scanner = compile_([chosen[i][0].encode("ascii") for i in order], flags)
        except Refused as e:  # e.g. a pattern that can match the empty text: RE2 answers it
            if not 0 <= e.index < len(order):
                return None
            del chosen[order[e.index]]
            continue
        ids = tuple(order.index(i) if i in chosen else None for i in range(len(specs)))
        caveats = np.array([chosen[i][1] for i in order], np.uint8)
        return Plan(scanner, ids, caveats)
    return None


_CASELESS = 1  # HS_FLAG_CASELESS, the same in the C library and the package
# HS_FLAG_SINGLEMATCH: only whether a pattern matched a text is kept, so Hyperscan stops tracking a pattern
# after its first match in a text instead of reporting every match end (measured: the body scan 19% faster)
_SINGLEMATCH = 8


class Refused(ValueError):
    """Hyperscan refused the pattern at ``index`` (-1: cannot tell which)."""

    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.index = index


def _compile_module(patterns: list[bytes], flags: list[int]) -> object:
    """A Scanner: loaded from the on-disk cache (rules.scancache) when this database was compiled before."""
    name = scancache.key(patterns, flags, _textscan.version())  # type: ignore[union-attr]
    stored = scancache.read(name)
    if stored is not None:
        try:
            return _textscan.load(stored, len(patterns))  # type: ignore[union-attr]
        except _textscan.CompileError:  # type: ignore[union-attr]  # another build's bytes: compile anew
            pass
    try:
        scanner = _textscan.compile(patterns, flags)  # type: ignore[union-attr]
    except _textscan.CompileError as e:  # type: ignore[union-attr]
        bad = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], int) else -1
        raise Refused(str(e.args[0]), bad) from None
    scancache.write(name, scanner.serialize())
    return scanner


class PackageScanner:
    """The C module's scan through the hyperscan package: each text its own block, the same flags per text.

    The package reports matches through a Python callback, so each text costs a Python call, and each
    pattern matching it one more (HS_FLAG_SINGLEMATCH: at most one per pattern and text).
    """

    def __init__(self, patterns: list[bytes], flags: list[int]):
        self.count = len(patterns)
        self.db = _package_database(patterns, flags)

    def scan(self, texts: list[object], rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(int8 matrix pattern x text, uint8 FLAG bits per text), as _textscan.Scanner.scan gives them."""
        if rows is not None:  # only these texts: -1 (not answered) for every other one, as the C module does
            matrix, marks = self.scan([texts[r] for r in rows.tolist()])
            full = np.full((self.count, len(texts)), -1, np.int8)
            full[:, rows] = matrix
            flags = np.zeros(len(texts), np.uint8)
            flags[rows] = marks
            return full, flags
        n = len(texts)
        ok = [t.__class__ is str and t.isascii() for t in texts]  # type: ignore[attr-defined]
        strs: list[str] = texts if all(ok) else [t if k else "" for t, k in zip(texts, ok, strict=True)]  # type: ignore
        joined = "\0".join(strs)
        blob = joined.encode("ascii")
        blocks = blob.split(b"\0") if blob.count(b"\0") == max(n - 1, 0) else [t.encode("ascii") for t in strs]
        ids: list[int] = []
        rows: list[int] = []

        def on_match(pattern: int, _start: int, _end: int, _flags: int, row: int) -> None:
            ids.append(pattern)
            rows.append(row)

        scan = self.db.scan
        for row, block in enumerate(blocks):
            scan(block, on_match, 0, row)
        matrix = np.zeros((self.count, n), np.int8)
        matrix[ids, rows] = 1
        return matrix, _text_flags(blob, strs, ok)


def _package_database(patterns: list[bytes], flags: list[int]) -> object:
    hs = hyperscan
    db = hs.Database(mode=hs.HS_MODE_BLOCK)  # type: ignore[union-attr]
    try:
        db.compile(expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns),
                   flags=flags)  # type: ignore[union-attr]
    except hs.error as e:  # type: ignore[union-attr]
        raise Refused(str(e), _refused_alone(patterns, flags)) from None  # the package does not say which
    return db


def _refused_alone(patterns: list[bytes], flags: list[int]) -> int:
    for i, (p, f) in enumerate(zip(patterns, flags, strict=True)):
        try:
            hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(expressions=[p], flags=f)  # type: ignore
        except hyperscan.error:  # type: ignore[union-attr]
            return i
    return -1


def _text_flags(blob: bytes, strs: list[str], ok: list[bool]) -> np.ndarray:
    """FLAG bits per text, from the joined ASCII buffer (texts apart by one byte) without a loop per text."""
    lens = np.fromiter(map(len, strs), np.int64, len(strs))
    starts = np.zeros(len(strs), np.int64)
    starts[1:] = np.cumsum(lens + 1)[:-1]
    buf = np.frombuffer(blob, np.uint8)
    marks = np.zeros(len(strs), np.uint8)
    filled = lens > 0
    ends_nl = np.zeros(len(strs), bool)
    ends_nl[filled] = buf[starts[filled] + lens[filled] - 1] == ord("\n")
    marks[ends_nl] |= ENDS_NEWLINE
    vt = np.flatnonzero(buf == ord("\v"))
    if vt.size:
        marks[np.searchsorted(starts, vt, "right") - 1] |= VERTICAL_TAB
    marks[~np.array(ok, bool)] = UNDECIDED
    return marks


def answers(p: Plan, texts: list[object], rows: np.ndarray | None = None) -> np.ndarray:
    """int8 matrix (pattern id, text): 1 match, 0 no match, -1 not answered here (ask RE2).

    ``rows`` (positions in ``texts``): read only those; every other text is -1. A column of distinct texts
    is passed whole with the rows a pass needs, so the answers land in the column's own positions.
    """
    if rows is not None:
        rows = np.ascontiguousarray(rows, np.int64)
    matrix, marks = p.scanner.scan(texts, rows)  # type: ignore[attr-defined]
    width = len(p.caveats)
    out = np.frombuffer(matrix, np.int8).reshape(width, len(texts))
    flags = np.frombuffer(marks, np.uint8)
    if flags.any():
        out = out.copy()
        for j in range(width):
            out[j, (flags & (UNDECIDED | p.caveats[j])) != 0] = -1
    return out
