"""SaveText, StringCompare, RegexExtract, RegexReplace and CustomCombo as ComfyUI
defines them."""
from __future__ import annotations

import json

import pytest

from nodes.text.regex_extract import regex_extract
from nodes.text.regex_replace import regex_replace
from nodes.text.save_text import save_text
from nodes.text.string_compare import string_compare
from nodes.utils.custom_combo import custom_combo


def test_save_text_names_files_as_comfyui_and_pretty_prints_json(ctx, paths):
    result = save_text(ctx, '{"a": [1, 2]}', "notes/gpt", "json")
    assert result.ui == {"text": ['{"a": [1, 2]}'], "files": [{"filename": "gpt_00001.json", "subfolder": "notes",
                                                               "type": "output"}]}
    written = (paths.output / "notes" / "gpt_00001.json").read_text(encoding="utf-8")
    assert json.loads(written) == {"a": [1, 2]} and "\n" in written
    assert save_text(ctx, "plain", "notes/gpt", "txt").ui["files"][0]["filename"] == "gpt_00002.txt"


def test_string_compare_modes():
    assert string_compare("Hello World", "hello", "Starts With", False)
    assert not string_compare("Hello World", "hello", "Starts With", True)
    assert string_compare("abc", "bc", "Ends With", True) and string_compare("x", "x", "Equal", True)


def test_regex_extract_modes():
    text = "a1 b22 c333"
    assert regex_extract(text, r"[a-z](\d+)", "First Match", True, False, False, 1) == "a1"
    assert regex_extract(text, r"[a-z]\d+", "All Matches", True, False, False, 1) == "a1\nb22\nc333"
    assert regex_extract(text, r"([a-z])(\d+)", "First Group", True, False, False, 2) == "1"
    assert regex_extract(text, r"([a-z])(\d+)", "All Groups", True, False, False, 2) == "1\n22\n333"
    assert regex_extract(text, r"(", "First Match", True, False, False, 1) == ""


def test_regex_replace_with_optional_flags_and_bad_patterns():
    assert regex_replace("Cat cat", "cat", "dog") == "dog dog"
    assert regex_replace("Cat cat", "cat", "dog", False, None, None, 0) == "Cat dog"
    assert regex_replace("a a a", "a", "b", True, False, False, 2) == "b b a"
    with pytest.raises(ValueError, match="regex_pattern"):
        regex_replace("x", "(", "y")


def test_custom_combo_outputs_the_choice_and_the_index_the_canvas_sent():
    assert custom_combo("pro", index=1, option1="lite", option2="pro") == ("pro", 1)
    assert custom_combo("pro") == ("pro", 0)
