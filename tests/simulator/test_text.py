"""The simulator's words: families of real-world writing kept as data, filled deterministically for a seed."""

from __future__ import annotations

import random
import re
from collections import Counter

from leadsig.simulator import GITHUB, GITLAB, build_org, text

CONTEXTS = ["pr_conversation", "review_commented", "review_changes", "inline", "issue_thread"]
GIVEN = {"other": "ana.silva", "team": "payments", "path": "src/ledger/client.py"}


def sample(seed: int, n: int = 40) -> list[str]:
    rng = random.Random(seed)
    out = [text.comment(rng, c, text.style_of(f"p{i}"), **GIVEN) for i in range(n) for c in CONTEXTS]
    out += [" / ".join(text.pull_text(rng, k, **GIVEN)) for k in ("code", "docs", "ci", "process", "bot")]
    out += [" / ".join(text.issue_text(rng, **GIVEN)[:2]) for _ in range(n)]
    return out + [text.followup_commit(rng), text.direct_commit(rng, "docs")]


def test_same_seed_same_words_other_seed_differs() -> None:
    assert sample(1) == sample(1)
    assert sample(1) != sample(2)


def test_families_say_what_a_classifier_should_make_of_them() -> None:
    families = text.families()
    intents = Counter(f.intent for f in families.values())
    assert set(intents) == {"leadership", "near_miss", "noise"} and intents["leadership"] >= 8
    assert all(f.resembles for f in families.values() if f.intent == "leadership")
    assert all(len(f.templates) >= 4 for f in families.values())
    for context in CONTEXTS:
        named = text.phrases()["comments"]["contexts"][context]
        assert set(named) <= set(families), context


def test_every_context_mixes_leadership_near_misses_and_noise() -> None:
    families = text.families()
    for context in ("pr_conversation", "inline", "issue_thread"):
        named = text.phrases()["comments"]["contexts"][context]
        assert {families[f].intent for f in named} == {"leadership", "near_miss", "noise"}, context


def test_every_slot_is_filled() -> None:
    org = build_org(2, "small")
    bodies = [c.body for f in (GITHUB, GITLAB) for it in org.iter_items(f) for c in it.comments]
    bodies += [it.title + it.body for f in (GITHUB, GITLAB) for it in org.iter_items(f)]
    bodies += [c.message for f in (GITHUB, GITLAB) for c in org.all_commits(f, None)]
    slots = set(text.phrases()["slots"]) | {"alt"}
    left = {m for b in bodies for m in re.findall(r"\{(\w+)\}", b) if m in slots}
    assert left == set()


def test_people_keep_one_style_and_the_org_has_them_all() -> None:
    org = build_org(3, "medium")
    assert text.style_of("ada-okafor") == text.style_of("ada-okafor")
    assert {text.style_of(p.key) for p in org.humans()} == set(text.phrases()["styles"]["styles"])


def test_titles_and_descriptions_share_their_slots() -> None:
    rng = random.Random(4)
    for _ in range(30):
        title, body = text.fill_together(rng, ["{module} and {tech}", "about {module} on {tech}"])
        assert body == f"about {title.replace(' and ', ' on ')}"
