"""StringConcatenate and StringReplace."""
from __future__ import annotations

from nodes.text.string_concatenate import string_concatenate
from nodes.text.string_replace import string_replace


def test_concatenate_puts_the_delimiter_between():
    assert string_concatenate("a red", "apple", " ") == "a red apple"
    assert string_concatenate("红色", "苹果", "") == "红色苹果"
    assert string_concatenate("", "b", ", ") == ", b"


def test_replace_is_plain_text_and_replaces_all():
    assert string_replace("a.b.c", ".", "-") == "a-b-c"
    assert string_replace("(x)", "(x)", "[y]") == "[y]"
    assert string_replace("same", "", "") == "same"
