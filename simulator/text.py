"""Synthetic titles, descriptions, comments and commit messages, from the phrase data in ``phrases/``.

The words live in YAML (``phrases/*.yaml``) so they read as data and a test can prove none of them is
copied from the rule pack: the demo and the tests must not flatter the rules by writing the very phrases
the rules look for.  Comment families carry an ``intent`` (leadership in ordinary words, near misses,
noise).  Every draw comes from the ``rng`` passed in, so the text is deterministic for a seed.

Templates name their slots ``{slot}``; values come from ``phrases/slots.yaml`` unless the caller gives them
(``other``, ``team``, ``path``).  A brace that names no known slot (code in a template) is left alone.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

PHRASE_FILES = ("slots", "styles", "comments", "pulls", "issues")
SLOT = re.compile(r"\{(\w+)\}")
STYLED_SHARE = 0.35  # how often a comment gets its author's opening or closing


@dataclass(frozen=True)
class Family:
    """Templates of one kind of comment, with what a good classifier should make of them."""

    name: str
    intent: str  # leadership | near_miss | noise
    resembles: str | None
    templates: tuple[str, ...]


@cache
def phrases() -> dict[str, Any]:
    """Every phrase file, loaded once per process (name -> data)."""
    folder = resources.files("leadsig.simulator").joinpath("phrases")
    yaml = YAML(typ="safe", pure=True)
    return {name: yaml.load(folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")) for name in PHRASE_FILES}


@cache
def families() -> dict[str, Family]:
    return {
        name: Family(name, spec["intent"], spec.get("resembles"), tuple(spec["templates"]))
        for name, spec in phrases()["comments"]["families"].items()
    }


def slot_values(name: str) -> list[str]:
    """The listed values of a slot (``module`` is also used to name source folders)."""
    return list(phrases()["slots"][name])


def _draw(rng: random.Random, name: str, chosen: dict[str, str]) -> str:
    spec = phrases()["slots"]["tech" if name == "alt" else name]
    if isinstance(spec, dict):
        low, high = spec["range"]
        return str(rng.randint(low, high))
    values = [v for v in spec if not (name == "alt" and v == chosen.get("tech"))]
    return _fill(rng, str(rng.choice(values)), chosen)


def _fill(rng: random.Random, template: str, chosen: dict[str, str]) -> str:
    slots = phrases()["slots"]

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in chosen:
            if name not in slots and name != "alt":
                return match.group(0)
            chosen[name] = _draw(rng, name, chosen)
        return chosen[name]

    return SLOT.sub(one, template)


def fill(rng: random.Random, template: str, **given: str) -> str:
    """``template`` with each known slot drawn once (a slot named twice gets the same value)."""
    return _fill(rng, template, dict(given))


def fill_together(rng: random.Random, templates: list[str], **given: str) -> list[str]:
    """Templates that belong together (a title and its description) filled with the same slot values."""
    chosen = dict(given)
    return [_fill(rng, t, chosen) for t in templates]


def style_of(key: str) -> str:
    """A person's writing style, fixed by their roster key (not by the random stream, so adding text never
    changes who writes how)."""
    weights: dict[str, int] = phrases()["styles"]["weights"]
    roll = int(hashlib.sha256(key.encode()).hexdigest(), 16) % sum(weights.values())
    for name, weight in weights.items():
        if roll < weight:
            return name
        roll -= weight
    return "plain"


def styled(rng: random.Random, body: str, style: str, **given: str) -> str:
    """``body`` as someone of ``style`` writes it: now and then an opening or closing, terse people drop
    capitals and full stops.  Empty bodies and ones that open with code stay as they are."""
    spec = phrases()["styles"]["styles"][style]
    if not body or body.startswith(("```", ">")) or rng.random() >= STYLED_SHARE:
        return body
    if spec.get("lowercase_start") and not body.startswith(("`", "@")):
        body = body[0].lower() + body[1:]
    if spec.get("drop_final_period") and body.endswith(".") and "\n" not in body:
        body = body[:-1]
    if spec.get("openers") and rng.random() < 0.5:
        openers = [o for o in spec["openers"] if "@" not in o or "@" not in body]  # one greeting of a name
        opener = fill(rng, rng.choice(openers), **given)
        body = opener + (body[0].lower() + body[1:] if opener.endswith(", ") else body)
    elif spec.get("closers"):
        body = body + fill(rng, rng.choice(spec["closers"]), **given)
    return body


def from_family(rng: random.Random, family: str, style: str = "plain", **given: str) -> str:
    """A filled template of one family, in the author's style."""
    return styled(rng, fill(rng, rng.choice(families()[family].templates), **given), style, **given)


def comment(rng: random.Random, context: str, style: str = "plain", **given: str) -> str:
    """A comment for ``context`` (pr_conversation, review_commented, review_changes, inline, issue_thread),
    its family chosen by that context's weights."""
    weights: dict[str, float] = phrases()["comments"]["contexts"][context]
    family = rng.choices(list(weights), list(weights.values()))[0]
    return from_family(rng, family, style, **given)


def pull_text(rng: random.Random, kind: str, **given: str) -> tuple[str, str]:
    """(title, description) of a pull/merge request of ``kind`` (code, docs, ci, process, bot)."""
    spec = phrases()["pulls"]["pulls"][kind]
    title, body = fill_together(rng, [rng.choice(spec["titles"]), rng.choice(spec["bodies"])], **given)
    return title, body


def issue_text(rng: random.Random, **given: str) -> tuple[str, str, list[str]]:
    """(title, description, labels) of a new issue, its kind chosen by weight."""
    kinds: dict[str, Any] = phrases()["issues"]["issues"]
    spec = kinds[rng.choices(list(kinds), [k["weight"] for k in kinds.values()])[0]]
    labels = rng.sample(spec["labels"], rng.randint(0, min(2, len(spec["labels"]))))
    title, body = fill_together(rng, [rng.choice(spec["titles"]), rng.choice(spec["bodies"])], **given)
    return title, body, labels


def followup_commit(rng: random.Random) -> str:
    """The message of a later commit on a PR branch."""
    return fill(rng, rng.choice(phrases()["pulls"]["commits"]["followups"]))


def direct_commit(rng: random.Random, kind: str) -> str:
    """The message of a commit pushed straight to the default branch (kind: code, docs, ci, process)."""
    return fill(rng, rng.choice(phrases()["pulls"]["commits"]["direct"][kind]))
