"""The V1 door: ComfyUI classes become NodeSpecs with every option carried over."""
from __future__ import annotations

import pytest

from keroro_graph.errors import NodeDeclarationError
from keroro_graph.registry import node_info, spec_from_v1


class Full:
    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"mode": (["WHITE", "BLACK"],), "height": ("INT", {"default": 512, "min": 1, "max": 4096}),
                             "pick": ("COMBO", {"options": ["x", "y"], "default": "y"}),
                             "img": ("IMAGE", {"lazy": True}), "link": ("*", {"rawLink": True})},
                "optional": {"note": ("STRING", {"multiline": True})},
                "hidden": {"unique_id": "UNIQUE_ID", "prompt": "PROMPT"}}
    RETURN_TYPES = ("IMAGE", ["a", "b"])
    RETURN_NAMES = ("image", "choice")
    OUTPUT_IS_LIST = (False, True)
    OUTPUT_TOOLTIPS = ("the image", "")
    FUNCTION = "go"
    CATEGORY = "x/y"
    OUTPUT_NODE = True
    NOT_IDEMPOTENT = True
    DEPRECATED = True
    API_NODE = True

    def go(self, **kw):
        return (1, ["a"])


def test_v1_spec_and_object_info_shape():
    spec = spec_from_v1("Full", Full, display_name="Full Node", python_module="custom_nodes.x")
    info = node_info(spec)
    assert info["input"]["required"]["mode"] == [["WHITE", "BLACK"]]
    assert info["input"]["required"]["height"] == ["INT", {"default": 512, "min": 1, "max": 4096}]
    assert info["input"]["required"]["pick"][0] == ["x", "y"]
    assert info["input"]["hidden"] == {"unique_id": "UNIQUE_ID", "prompt": "PROMPT"}
    assert info["input_order"]["required"] == ["mode", "height", "pick", "img", "link"]
    assert info["output"] == ["IMAGE", "COMBO"] and info["output_is_list"] == [False, True]
    assert info["output_name"] == ["image", "choice"] and info["output_tooltips"] == ["the image", ""]
    assert info["category"] == "x/y" and info["output_node"] and info["deprecated"] and info["api_node"]
    assert spec.input("img").lazy and spec.input("link").raw_link
    assert spec.unique_id_in_key


@pytest.mark.parametrize("attrs, message", [
    ({"RETURN_TYPES": (), "FUNCTION": "f"}, "missing INPUT_TYPES"),
    ({"INPUT_TYPES": classmethod(lambda c: {}), "RETURN_TYPES": ()}, "missing FUNCTION"),
    ({"INPUT_TYPES": classmethod(lambda c: {}), "RETURN_TYPES": (), "FUNCTION": "nope"}, "is not a method"),
    ({"INPUT_TYPES": classmethod(lambda c: {"required": {"x": 5}}), "RETURN_TYPES": (), "FUNCTION": "f",
      "f": lambda self: ()}, "input 'x' must be"),
    ({"INPUT_TYPES": classmethod(lambda c: 1 / 0), "RETURN_TYPES": (), "FUNCTION": "f", "f": lambda self: ()},
     "ZeroDivisionError"),
])
def test_broken_v1_classes_are_refused_with_a_reason(attrs, message):
    cls = type("Broken", (), attrs)
    with pytest.raises(NodeDeclarationError, match=message):
        spec_from_v1("Broken", cls)
