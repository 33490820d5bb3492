from __future__ import annotations

import json

import numpy as np

from nodes.utils.preview_any import preview_any


def shown(value):
    result = preview_any(value)
    assert result.values == (result.ui["text"][0],)
    return result.ui["text"][0]


def test_strings_and_numbers_show_as_they_are():
    assert shown("héllo 你好") == "héllo 你好"
    assert shown(3) == "3"
    assert shown(2.5) == "2.5"
    assert shown(True) == "True"
    assert shown(None) == "None"


def test_dicts_and_lists_show_as_json():
    value = {"a": [1, 2], "b": "x"}
    assert json.loads(shown(value)) == value


def test_arrays_show_their_shape_not_their_pixels():
    assert shown(np.zeros((1, 8, 8, 3), np.float32)) == "array shape=[1, 8, 8, 3] dtype=float32"


def test_other_objects_fall_back_to_str():
    class Thing:
        def __str__(self):
            return "a thing"

    assert shown(Thing()) == "a thing"
