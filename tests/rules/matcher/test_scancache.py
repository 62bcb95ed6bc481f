"""A compiled Hyperscan database is stored once and loaded by later processes, with the same answers."""

from __future__ import annotations

import pytest

from leadsig.rules.matcher import scancache, textscan

pytestmark = pytest.mark.skipif(textscan._textscan is None, reason="the C module is not built here")

PATTERNS = [rb"\bwait\w*(?:[\W_]+[^\W_]+){0,3}[\W_]+fors?\b[\W_]+review", rb"(?m)^#+ *proposal", rb"a\s*b"]
FLAGS = [1, 0, 1]
TEXTS = ["we WAIT a lot for review", "## Proposal", "x\n# proposal", "a \t b", "nothing", "waiting for reviews"]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(scancache.ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _answers(scanner: object) -> bytes:
    return bytes(scanner.scan(TEXTS)[0])  # type: ignore[attr-defined]


def test_a_second_compile_loads_the_stored_database_with_the_same_answers(cache_dir, monkeypatch):
    first = textscan._compile_module(PATTERNS, FLAGS)
    assert len(list(cache_dir.iterdir())) == 1
    monkeypatch.setattr(textscan._textscan, "compile", _must_not_compile)
    again = textscan._compile_module(PATTERNS, FLAGS)
    assert _answers(again) == _answers(first)
    assert _answers(first) == bytes([1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0])


def _must_not_compile(*_args: object) -> object:
    raise AssertionError("compiled although the database was stored")


def test_other_flags_are_another_entry(cache_dir):
    textscan._compile_module(PATTERNS, FLAGS)
    textscan._compile_module(PATTERNS, [0, 0, 0])
    assert len(list(cache_dir.iterdir())) == 2


def test_a_corrupt_entry_is_compiled_again_and_rewritten(cache_dir):
    good = _answers(textscan._compile_module(PATTERNS, FLAGS))
    (entry,) = cache_dir.iterdir()
    data = bytearray(entry.read_bytes())
    data[-8:] = b"\xff" * 8  # Hyperscan itself would load these bytes: the stored checksum catches them
    entry.write_bytes(bytes(data))
    assert _answers(textscan._compile_module(PATTERNS, FLAGS)) == good
    assert scancache.read(entry.name) is not None


def test_off_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(scancache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    textscan._compile_module(PATTERNS, FLAGS)
    assert scancache.directory() is None
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_directory_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(scancache.ENV, str(blocker / "cache"))
    assert _answers(textscan._compile_module(PATTERNS, FLAGS))[0] == 1


def test_only_the_newest_entries_are_kept(cache_dir, monkeypatch):
    monkeypatch.setattr(scancache, "KEEP", 2)
    for i in range(4):
        scancache.write(f"entry{i}", b"db")
    assert len(list(cache_dir.iterdir())) == 2
