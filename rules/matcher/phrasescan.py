"""Phrase families answered on words, not by a regular-expression engine: the C module rules.matcher._phrasescan.

A phrase family compiles to one RE2 pattern (rules.language.phrases) of hundreds of alternatives; Hyperscan
answered them at about 15 MB/s, most of the match time of the default pack. Every such pattern has one
shape, so its meaning can be read back as words, and on an ASCII text it is a question about the text's
words (maximal runs of ASCII letters and digits, compared lower-cased):

- ``w\\w*`` (a stem): a word starting with ``w``; ``ws?\\b``: the word ``w`` or ``ws``, and no ``_`` right
  after it (``\\b``); a last stem has no ``\\w*``, which changes nothing;
- ``[\\W_]+`` between two: the next word; ``(?:[\\W_]+[^\\W_]+){0,3}[\\W_]+`` (a ``*``): up to three
  other words first;
- the leading ``\\b``: the first word has no ``_`` right before it;
- ``_`` is a word character to RE2 but a separator here: a stem's ``\\w*`` may run on through words joined
  by ``_`` only (``wait_ing_on`` holds "wait on"), which the C loop follows.

:func:`parse` reads a pattern back into phrases and accepts it only if the phrases give back the very same
pattern, so a pattern of any other shape (a lead's ``matches``, a future change of the phrase syntax) is
never misread: it stays with Hyperscan or RE2. A text that is not ASCII is flagged, and RE2 answers it.
A test compares these answers with RE2's on generated and awkward texts (tests/rules/matcher).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

try:  # built by setup.py wherever a C compiler is (no library needed)
    from leadsig.rules.matcher import _phrasescan
except ImportError:  # pragma: no cover - depends on the machine
    _phrasescan = None

SEP = r"[\W_]+"
GAP = r"(?:[\W_]+[^\W_]+){0,3}"
MAX_GAP = 3
_WORD = re.compile(r"([a-z0-9]+?)(?=s\?\\b|[^a-z0-9]|$)(s\?\\b|\\w\*)?")
EXACT, STEM = "exact", "stem"
PAIR_FIRST, PAIR_FIRST_GAP, PAIR_SECOND, PAIR_SECOND_GAP = 1, 2, 4, 8  # as in _phrasescan.c

Word = tuple[str, str, int]  # (letters, EXACT or STEM, other words allowed before it)
Phrase = tuple[Word, ...]


def built() -> bool:
    return _phrasescan is not None


def parse(pattern: str) -> tuple[Phrase, ...] | None:
    """The phrases of a phrase-family pattern (compiled ignoring case), or None if it is not one."""
    if pattern.startswith(r"(?:\b") and pattern.endswith(")"):
        parts = pattern[3:-1].split("|")
    elif pattern.startswith(r"\b"):
        parts = [pattern]
    else:
        return None
    phrases = tuple(_phrase(p) for p in parts)
    if any(p is None for p in phrases):
        return None
    if unparse(phrases) != pattern:  # type: ignore[arg-type]
        return None
    return phrases  # type: ignore[return-value]


def _phrase(part: str) -> Phrase | None:
    if not part.startswith(r"\b"):
        return None
    pos, gap, words = 2, 0, []
    while True:
        m = _WORD.match(part, pos)
        if m is None:
            return None
        letters, ending = m.group(1), m.group(2) or ""
        words.append((letters, EXACT if ending.startswith("s") else STEM, gap))
        pos = m.end()
        if pos == len(part):
            return tuple(words) if words[-1][1] == EXACT or not ending else None
        if not ending:
            return None  # a bare word before another: not a shape phrases.py writes
        if part.startswith(GAP + SEP, pos):
            gap, pos = MAX_GAP, pos + len(GAP + SEP)
        elif part.startswith(SEP, pos):
            gap, pos = 0, pos + len(SEP)
        else:
            return None


def unparse(phrases: tuple[Phrase, ...]) -> str:
    """The pattern rules.language.phrases writes for these phrases, in the given order."""
    parts = []
    for phrase in phrases:
        out = []
        for i, (letters, kind, gap) in enumerate(phrase):
            if i:
                out.append(GAP + SEP if gap else SEP)
            last = i == len(phrase) - 1
            out.append(letters + (r"s?\b" if kind == EXACT else "" if last else r"\w*"))
        parts.append(r"\b" + "".join(out))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class Tables:
    """What the C matcher takes: a trie of every word's letters, and phrases as sequences of word ids."""

    sizes: tuple[int, ...]
    arrays: tuple[bytes, ...]


def tables(families: list[tuple[Phrase, ...]]) -> Tables:
    words: dict[tuple[str, str], int] = {}
    children: list[list[int]] = [[0] * 36]
    stems: list[list[int]] = [[]]
    exact: list[list[int]] = [[]]
    ph_words: list[int] = []
    ph_gap: list[int] = []
    ph_off = [0]
    ph_family: list[int] = []
    for f, phrases in enumerate(families):
        for phrase in phrases:
            for letters, kind, gap in phrase:
                wid = words.get((letters, kind))
                if wid is None:
                    wid = words[(letters, kind)] = len(words)
                    node = _node(letters, children, stems, exact)
                    (exact if kind == EXACT else stems)[node].append(wid)
                ph_words.append(wid)
                ph_gap.append(gap)
            ph_off.append(len(ph_words))
            ph_family.append(f)
    singles: list[list[int]] = [[] for _ in words]
    pairs: dict[int, list[int]] = {}
    for p, f in enumerate(ph_family):
        a, z = ph_off[p], ph_off[p + 1]
        if z - a == 1:
            singles[ph_words[a]].append(f)
        else:
            pairs.setdefault(_key(ph_words[a], ph_words[a + 1], ph_gap[a + 1]), []).append(p)
    pairs_of = [0] * len(words)  # PAIR_* bits of _phrasescan.c: which look-ups of a pair can find one
    for key in pairs:
        gap = key & 1
        pairs_of[(key >> 32) - 1] |= PAIR_FIRST_GAP if gap else PAIR_FIRST
        pairs_of[(key & 0xFFFFFFFF) >> 1] |= PAIR_SECOND_GAP if gap else PAIR_SECOND
    bits, slot_key, slot_lists = _hash(pairs)
    is_prefix = [kind == STEM for (_, kind) in words]
    pre_off, pre_ids = _flat(stems)
    ex_off, ex_ids = _flat(exact)
    single_off, single_fam = _flat([sorted(set(s)) for s in singles])
    slot_off, pair_ids = _flat(slot_lists)
    i32 = lambda a: np.asarray(a, np.int32).tobytes()  # noqa: E731
    u8 = lambda a: np.asarray(a, np.uint8).tobytes()  # noqa: E731
    sizes = (len(children), len(words), len(ph_family), len(families), bits, len(pre_ids), len(ex_ids),
             len(ph_words), len(single_fam), len(pair_ids))
    arrays = (i32(children), i32(pre_off), i32(pre_ids), i32(ex_off), i32(ex_ids), u8(is_prefix), i32(ph_off),
              i32(ph_words), u8(ph_gap), i32(ph_family), i32(single_off), i32(single_fam), u8(pairs_of),
              np.asarray(slot_key, np.uint64).tobytes(), i32(slot_off), i32(pair_ids))
    return Tables(sizes, arrays)


def _key(a: int, b: int, gap: int) -> int:
    """The C loop's key of a phrase's first two words (word ids) and whether a gap comes before the second."""
    return ((a + 1) << 32) | (b << 1) | (1 if gap else 0)


def _hash(pairs: dict[int, list[int]]) -> tuple[int, list[int], list[list[int]]]:
    """The open-addressing table the C loop probes (Fibonacci hashing, linear probing, at most half full)."""
    bits = max(4, (2 * len(pairs)).bit_length())
    size, mask = 1 << bits, (1 << bits) - 1
    keys, lists = [0] * size, [[] for _ in range(size)]
    for key, phrases in pairs.items():
        h = ((key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> (64 - bits)
        while keys[h]:
            h = (h + 1) & mask
        keys[h], lists[h] = key, phrases
    return bits, keys, lists


def _node(letters: str, children: list[list[int]], stems: list[list[int]], exact: list[list[int]]) -> int:
    node = 0
    for ch in letters:
        c = ord(ch) - ord("a") if ch.isalpha() else 26 + ord(ch) - ord("0")
        if not children[node][c]:
            children[node][c] = len(children)
            children.append([0] * 36)
            stems.append([])
            exact.append([])
        node = children[node][c]
    return node


def _flat(lists: list[list[int]]) -> tuple[list[int], list[int]]:
    off, flat = [0], []
    for items in lists:
        flat.extend(items)
        off.append(len(flat))
    return off, flat


def matcher(families: list[tuple[Phrase, ...]]) -> object:
    """A compiled _phrasescan.Matcher: .scan(texts) gives (matrix family x text, flags), as _textscan does."""
    t = tables(families)
    return _phrasescan.Matcher(t.sizes, *t.arrays)  # type: ignore[union-attr]
