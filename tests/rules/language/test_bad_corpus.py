"""Every malformed rule file in tests/rules/bad/ is reported with exactly the code(s) and line(s) its first
line promises (``# expect: CODE at line N, ...``), layered on the built-in pack like a local rules folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadsig.rules.language.loader import check_rules

BAD = Path(__file__).parent.parent / "bad"
EXPECT = re.compile(r"([a-z0-9-]+) at line (\d+)")
FILES = sorted(BAD.glob("*.yaml"))


def expected(path: Path) -> set[tuple[str, int]]:
    head = path.read_text().splitlines()[0]
    assert head.startswith("# expect:"), f"{path.name} has no '# expect:' header"
    return {(code, int(line)) for code, line in EXPECT.findall(head)}


def test_corpus_is_large_enough():
    assert len(FILES) >= 30
    assert len({code for f in FILES for code, _ in expected(f)}) >= 25


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_bad_file_reports_expected_problems(path: Path):
    _, found = check_rules(["default", str(path)], BAD)
    got = {(p.code, p.line) for p in found.errors}
    assert got == expected(path)
    assert all(p.file and p.file.endswith(path.name) for p in found.errors)
    assert all(p.col is not None for p in found.errors)
