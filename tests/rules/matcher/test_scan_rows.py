"""A scan of chosen rows of a column answers them as a scan of every text would, and leaves the rest to RE2."""

from __future__ import annotations

import random

import numpy as np
import pytest

from leadsig.rules.language.phrases import phrases_pattern
from leadsig.rules.matcher import phrasescan, textscan

BUILT = {"module": textscan._textscan is not None, "hyperscan": textscan.hyperscan is not None}
SPECS = (("regex", r"\bwait(ing)? on\b", True), ("regex", r"(?m)^#+ *x$", False),
         ("literals", ("cc @", "loop in"), True),
         ("regex", phrases_pattern(("waiting on reviews", "hand * over", "ci")), True))
WORDS = ["wait", "waiting", "on", "review", "reviews", "hand", "it", "over", "ci", "#", "x", "cc", "@bob", "é", "\n",
         "_", "Ci", "\v"]


@pytest.fixture(params=["module", "hyperscan"])
def build(request, monkeypatch) -> str:
    if not BUILT[request.param]:
        pytest.skip(f"{request.param} not installed here")
    monkeypatch.setenv(textscan.ENV, request.param)
    return request.param


def _texts(n: int) -> list[object]:
    rnd = random.Random(5)
    made: list[object] = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 8))) for _ in range(n)]
    return [*made, None, "", "wait on", "hand a b c over\n"]


def test_chosen_rows_get_the_answers_of_a_whole_scan_and_the_others_stay_undecided(build):
    plan = textscan.plan(SPECS)
    assert plan is not None and all(i is not None for i in plan.ids)
    if build == "module" and phrasescan.built():
        assert textscan.by_words(SPECS[3]) and not textscan.by_words(SPECS[0])
    texts = _texts(3000)
    whole = textscan.answers(plan, texts)
    rows = np.array(sorted(random.Random(9).sample(range(len(texts)), 700)) + [len(texts) - 1], np.int64)
    part = textscan.answers(plan, texts, rows)
    assert part.shape == whole.shape
    assert (part[:, rows] == whole[:, rows]).all()
    others = np.setdiff1d(np.arange(len(texts)), rows)
    assert (part[:, others] == -1).all()
    assert (whole[:, rows] == 1).any() and (whole[:, rows] == -1).any()  # matches and texts left to RE2 alike


def test_a_row_outside_the_texts_is_refused_not_read():
    if not BUILT["module"]:
        pytest.skip("rules.matcher._textscan not built here")
    scanner = textscan._compile_module([b"a"], [textscan._SINGLEMATCH])
    for bad in ([2], [-1]):
        with pytest.raises(IndexError):
            scanner.scan(["a", "b"], np.array(bad, np.int64))
    with pytest.raises(ValueError):
        scanner.scan(["a", "b"], b"\x00\x01\x02")  # not whole int64 positions
