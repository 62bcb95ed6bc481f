"""No phrase of the rule pack is copied into the simulator: the demo and the tests must not flatter the rules.

The rule files are read as data (YAML), never through leadsig.rules: every literal phrase they hold for a
text field (list items, ``contains`` values, lexicon entries) and every literal alternative of three or
more words inside a ``matches`` pattern is collected, then looked for, case-insensitively and as whole
words, in the simulator's phrase data and in the text of generated organisations.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from leadsig.simulator import GITHUB, GITLAB, build_org

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import re._parser as sre  # the regex parser of the standard library, to list a pattern's alternatives

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((ROOT / "rules" / "default").glob("*.y*ml")) + sorted((ROOT / "rules" / "lexicons").glob("*.y*ml"))
PHRASE_FILES = sorted((ROOT / "simulator" / "phrases").glob("*.yaml"))
TEXT_FIELDS = {"body", "title", "parent_title", "text"}  # the fields that hold what people wrote
# A rule that asks whether a body holds any link (``contains: ["http://", "https://"]``) names no phrase:
# real comments carry links, so the simulator's do too.
URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://$")
GAP = "\x00"  # stands for a part of a pattern that is not literal text (\d+, \s, a wide class)
MAX_EXPANSIONS = 20_000


def load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


# ------------------------------------------------------------------ the literal alternatives of a pattern
def expand(items: Any) -> list[str]:
    """Every string a parsed (sub)pattern can match, with GAP for what is not literal."""
    out = [""]
    for op, arg in items:
        out = [a + b for a, b in product(out, expand_one(op, arg))]
        if len(out) > MAX_EXPANSIONS:
            raise ValueError("pattern too wide to list")
    return out


def expand_one(op: Any, arg: Any) -> list[str]:
    name = str(op)
    if name == "LITERAL":
        return [chr(arg)]
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return [""]
    if name == "SUBPATTERN":
        return expand(arg[-1])
    if name == "BRANCH":
        return [s for alt in arg[1] for s in expand(alt)]
    if name == "IN" and len(arg) <= 4 and all(str(o) == "LITERAL" for o, _ in arg):
        return [chr(c) for _, c in arg]
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, sub = arg
        if (low, high) == (0, 1):
            return ["", *expand(sub)]
        if (low, high) == (1, 1):
            return expand(sub)
    return [GAP]


def literal_alternatives(pattern: str, min_words: int = 3) -> set[str]:
    """The literal runs of ``min_words`` or more words in what ``pattern`` matches."""
    found: set[str] = set()
    for text in expand(sre.parse(pattern.lower())):
        for run in text.split(GAP):
            words = run.split()
            if len(words) >= min_words:
                found.add(" ".join(words))
    return found


# ------------------------------------------------------------------ the pack's phrases
def conditions(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        if "field" in node:
            yield node
        for value in node.values():
            yield from conditions(value)
    elif isinstance(node, list):
        for value in node:
            yield from conditions(value)


def rule_phrases(rule: dict, file_lists: dict[str, list]) -> set[str]:
    lists = {**file_lists, **(rule.get("lists") or {})}
    found: set[str] = set()
    for cond in conditions(rule.get("conditions") or {}):
        if str(cond["field"]) not in TEXT_FIELDS:
            continue
        values = cond.get("contains", [])
        for value in values if isinstance(values, list) else [values]:
            named = lists.get(str(value)[1:]) if str(value).startswith("@") else None
            found |= {str(v).lower() for v in (named if named is not None else [value])}
        if "matches" in cond:
            found |= literal_alternatives(str(cond["matches"]))
    return found


def pack_phrases() -> set[str]:
    found: set[str] = set()
    for path in RULE_FILES:
        data = load(path) or {}
        if path.parent.name == "lexicons":
            found |= {s.lower() for s in strings(data)}
            continue
        file_lists = data.get("lists") or {} if isinstance(data, dict) else {}
        for rule in (data.get("rules") or []) + (data.get("overrides") or []):
            found |= rule_phrases(rule, file_lists)
    return {" ".join(p.split()) for p in found if p.strip() and not URL_SCHEME.match(p)}


def offending(phrases: set[str], texts: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(phrase, where, text) for each pack phrase found as whole words in a text."""
    out = []
    for phrase in sorted(phrases):
        left = r"(?<!\w)" if phrase[0].isalnum() else ""
        right = r"(?!\w)" if phrase[-1].isalnum() else ""
        needle = re.compile(left + re.escape(phrase).replace(r"\ ", r"\s+") + right)
        out += [(phrase, where, t) for where, t in texts if needle.search(t.lower())]
    return out


def generated_texts(seed: int, size: str) -> list[tuple[str, str]]:
    org = build_org(seed, size)
    out: list[tuple[str, str]] = []
    for forge in (GITHUB, GITLAB):
        for item in org.iter_items(forge):
            out += [(f"{item.repo}#{item.number} title", item.title), (f"{item.repo}#{item.number}", item.body)]
            out += [(f"comment {c.id}", c.body) for c in item.comments if c.kind != "system"]
        out += [(f"commit {c.sha[:7]}", c.message) for c in org.all_commits(forge, None)]
    out += [(f"review {r.id}", r.body) for r in org.all_reviews()]
    return out


PACK = pack_phrases()


def test_the_collector_finds_the_pack_phrases() -> None:
    assert RULE_FILES and len(PACK) >= 20
    assert literal_alternatives(r"\b(waiting (on|for) (review|qa)|toil|i'?d like to propose)\b") == {
        "waiting on review", "waiting for review", "waiting on qa", "waiting for qa", "i'd like to propose",
        "id like to propose"}
    assert literal_alternatives(r"(\d+ ?(h|hours?)|two options|slow (ci|builds?))") == set()
    planted = [("planted", "Hi team, LOOPING IN\nsomeone; this does that work for you?")]
    assert {p for p, _, _ in offending({"looping in", "does that work for", "work for you"}, planted)} == {
        "looping in", "does that work for", "work for you"}
    assert not offending({"loop in"}, [("x", "a loop inside")])


def test_no_pack_phrase_in_the_phrase_data() -> None:
    texts = [(path.name, s) for path in PHRASE_FILES for s in strings(load(path))]
    assert len(texts) > 200
    assert offending(PACK, texts) == []


@pytest.mark.parametrize(("seed", "size"), [(1, "tiny"), (7, "tiny"), (7, "small")])
def test_no_pack_phrase_in_generated_text(seed: int, size: str) -> None:
    assert offending(PACK, generated_texts(seed, size)) == []
