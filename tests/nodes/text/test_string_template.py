from __future__ import annotations

import pytest

from nodes.text.string_template import string_template


def test_placeholders_come_from_variable_lines_and_inputs():
    out = string_template("{subject} in {style}, {var1}", "subject = a teapot\n# comment\n\nstyle=ink wash",
                          var1="4k")
    assert out == "a teapot in ink wash, 4k"


def test_connected_inputs_win_over_lines_of_the_same_name():
    assert string_template("{var2}", "var2=from text", var2="from input") == "from input"


def test_double_braces_are_literal_and_values_may_contain_equals_and_chinese():
    assert string_template('{{"k": "{v}"}}', "v=a=b 你好") == '{"k": "a=b 你好"}'


def test_unknown_placeholder_is_named():
    with pytest.raises(ValueError, match=r"placeholder \{prodcut\} has no value"):
        string_template("A photo of {prodcut}", "product=mug")


def test_unconnected_var_inputs_are_not_values():
    with pytest.raises(ValueError, match=r"\{var3\}"):
        string_template("{var3}", "")


def test_malformed_templates_and_lines_are_clear_errors():
    with pytest.raises(ValueError, match="unbalanced braces"):
        string_template("{oops", "")
    with pytest.raises(ValueError, match=r"\{a\.b\} is not a plain"):
        string_template("{a.b}", "a=1")
    with pytest.raises(ValueError, match="variables line 2"):
        string_template("{a}", "a=1\nno equals sign here")
