"""Summary/evidence templates: placeholders only, one line, bounded, never str.format."""

from __future__ import annotations

import pytest

from leadsig.rules.language.templates import TemplateError, render, render_many, template_fields


def test_fields_and_escapes():
    assert template_fields("{actor_login} on {{x}} {thread.teams}") == ["actor_login", "thread.teams"]
    assert render("{{literal}} {a}", {"a": 1.0}) == "{literal} 1"


@pytest.mark.parametrize("text", ["{a", "a}", "{a.b.c}", "{0}", "{a[0]}", "{a!r}", "{a:>10}"])
def test_anything_but_a_field_name_is_refused(text):
    with pytest.raises(TemplateError):
        template_fields(text)


def test_placeholders_are_dictionary_keys_not_attribute_access():
    assert render("{body.__class__}", {"body": "x"}) == "?"


def test_forge_text_is_flattened_and_shortened():
    line = render("{body}", {"body": "line one\n\nline   two " + "x" * 200})
    assert "\n" not in line and line.startswith("line one line two") and len(line) <= 80


def test_missing_values_and_lists():
    assert render("{a} / {b}", {"b": ("x", "y")}) == "? / x, y"
    assert render_many("{a}-{b}", {"a": [1, 2], "b": ["x", None]}, 2) == ["1-x", "2-?"]
