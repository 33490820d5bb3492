from __future__ import annotations

import pytest

from nodes.primitive.primitives import (primitive_boolean, primitive_float, primitive_int, primitive_string,
                                        primitive_string_multiline)

FAMILY = [
    (primitive_int, "PrimitiveInt", "INT", 7),
    (primitive_float, "PrimitiveFloat", "FLOAT", 2.5),
    (primitive_string, "PrimitiveString", "STRING", "hello"),
    (primitive_string_multiline, "PrimitiveStringMultiline", "STRING", "one\ntwo"),
    (primitive_boolean, "PrimitiveBoolean", "BOOLEAN", True),
]


@pytest.mark.parametrize("func,class_type,type_name,value", FAMILY)
def test_each_primitive_passes_its_value_through(func, class_type, type_name, value):
    assert func(value) == value
    spec = func.__node_spec__
    assert spec.class_type == class_type and spec.category == "primitive"
    assert [(i.name, i.type) for i in spec.inputs] == [("value", type_name)]
    assert [o.type for o in spec.outputs] == [type_name]


def test_widget_options_follow_comfyui():
    assert primitive_string_multiline.__node_spec__.inputs[0].options.get("multiline") is True
    assert "multiline" not in primitive_string.__node_spec__.inputs[0].options
    int_options = primitive_int.__node_spec__.inputs[0].options
    assert int_options["control_after_generate"] is True and int_options["min"] < -2**31
