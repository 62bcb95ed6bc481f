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
