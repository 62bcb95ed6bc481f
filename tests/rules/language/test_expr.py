"""The condition language parser: precedence, parentheses, and located errors."""

from __future__ import annotations

import pytest

from leadsig.rules.language.expr import And, ExprError, Not, Or, Ref, canonical, parse, refs


def test_and_binds_tighter_than_or_and_not_tighter_than_and():
    tree = parse("a or not b and c")
    assert isinstance(tree, Or)
    assert tree.items[0] == Ref("a", 0)
    assert isinstance(tree.items[1], And) and isinstance(tree.items[1].items[0], Not)


def test_parentheses_and_canonical_form_ignore_spacing():
    assert canonical(parse("(a or b)  and c")) == canonical(parse("(a or b) and c")) == "((a or b) and c)"
    assert [r.name for r in refs(parse("x and (y or not z)"))] == ["x", "y", "z"]


def test_keywords_are_case_insensitive():
    assert canonical(parse("a AND NOT b")) == "(a and not b)"


@pytest.mark.parametrize(("text", "code", "pos"), [
    ("(a and b", "unbalanced", 0),
    ("a and b)", "unbalanced", 7),
    ("a and", "condition-syntax", 5),
    ("a b", "condition-syntax", 2),
    ("a and (b or", "condition-syntax", 11),
    ("a && b", "condition-syntax", 2),
    ("", "condition-syntax", 0),
    ("a and ()", "condition-syntax", 7),
])
def test_errors_name_code_and_position(text, code, pos):
    with pytest.raises(ExprError) as exc:
        parse(text)
    assert (exc.value.code, exc.value.pos) == (code, pos)


def test_rule_text_is_never_evaluated():
    with pytest.raises(ExprError):
        parse("__import__('os').system('true')")


def _holds(node, truth: dict[str, bool]) -> bool:
    if isinstance(node, Ref):
        return truth[node.name]
    if isinstance(node, Not):
        return not _holds(node.item, truth)
    parts = [_holds(i, truth) for i in node.items]
    return all(parts) if isinstance(node, And) else any(parts)


@pytest.mark.parametrize("need", [1, 2, 3, 4])
def test_n_of_holds_exactly_when_at_least_n_items_hold(need):
    tree = parse(f"{need} of (a, b, c, d)")
    for bits in range(16):
        truth = {name: bool(bits >> i & 1) for i, name in enumerate("abcd")}
        assert _holds(tree, truth) == (sum(truth.values()) >= need), truth


def test_n_of_items_are_whole_expressions_and_combine_with_the_rest():
    tree = parse("x and 2 of (a or b, not c, d)")
    assert _holds(tree, {"x": True, "a": False, "b": True, "c": False, "d": False})
    assert not _holds(tree, {"x": False, "a": True, "b": True, "c": False, "d": True})
    assert not _holds(tree, {"x": True, "a": False, "b": False, "c": True, "d": True})
    assert sorted({r.name for r in refs(tree)}) == ["a", "b", "c", "d", "x"]


@pytest.mark.parametrize(("text", "code", "pos"), [
    ("2 of a", "condition-syntax", 0),
    ("2 (a, b)", "condition-syntax", 0),
    ("3 of (a, b)", "bad-count", 0),
    ("0 of (a, b)", "bad-count", 0),
    ("x and 2 of (a, b", "unbalanced", 11),
    ("a, b", "condition-syntax", 1),
    ("5 of (a, b, c, d, e, f, g, h, i, j)", "too-many", 0),
])
def test_n_of_errors_name_code_and_position(text, code, pos):
    with pytest.raises(ExprError) as exc:
        parse(text)
    assert (exc.value.code, exc.value.pos) == (code, pos)
