"""UI -> API conversion of what ComfyUI's newer frontend saves: V3 dynamic combos
(their option's widgets follow the combo), autogrow sockets, custom widget types,
combos without a saved value, the old boolean seed control, CustomCombo, and
PrimitiveNodes behind a Reroute — each either converted as the frontend does or
refused naming the node and widget."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from keroro_graph.errors import WorkflowConversionError
from keroro_graph.graph.workflow import workflow_to_prompt
from keroro_graph.registry import PackRecord, Registry, load_registry
from keroro_graph.registry.declared import comfy_node

from .test_workflow import node, workflow

PICKER = {
    "name": "Picker", "category": "test",
    "input": {"required": {
        "prompt": ["STRING", {"default": "", "multiline": True}],
        "model": ["COMFY_DYNAMICCOMBO_V3", {"options": [
            {"key": "big", "inputs": {"required": {"size": ["COMBO", {"default": "auto", "options": ["auto", "2k"]}],
                                                   "steps": ["INT", {"default": 4, "min": 1, "max": 9}],
                                                   "images": ["COMFY_AUTOGROW_V3", {"template": {
                                                       "input": {"required": {"image": ["IMAGE", {}]}},
                                                       "names": ["image_1", "image_2"], "min": 0}}]}}},
            {"key": "small", "inputs": {"required": {"quality": ["COMBO", {"options": ["low", "high"]}]}}}]}],
        "seed": ["INT", {"default": 0, "min": 0, "max": 100, "control_after_generate": True}],
        "flag": ["BOOLEAN", {"default": False}],
        "tint": ["COLOR", {"default": "#ffffff", "socketless": True}],
        "mode": ["COMBO", {"options": ["first", "second"]}],
    }},
    "input_order": {"required": ["prompt", "model", "seed", "flag", "tint", "mode"]},
    "output": ["IMAGE"], "output_name": ["IMAGE"],
}


@pytest.fixture(scope="module")
def reg() -> Registry:
    registry = load_registry()
    spec = comfy_node(PICKER)(lambda **_: None).__node_spec__
    registry.add(spec, PackRecord(name="t", path=Path("."), module="t"))
    return registry


def picker(widgets: Any, inputs: list[tuple[Any, ...]] = ()) -> dict[str, Any]:
    return node(3, "Picker", widgets=widgets, inputs=list(inputs), outputs=[("IMAGE", "IMAGE", None)])


def convert(reg: Registry, *nodes: dict[str, Any], links: list[list[Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return workflow_to_prompt(workflow(list(nodes), list(links)), reg)


def test_a_dynamic_combos_widgets_follow_it_and_its_sockets_link(reg):
    load = node(1, "LoadImage", widgets=["a.png", "image"], outputs=[("IMAGE", "IMAGE", [7])])
    prompt = convert(reg, load, picker(["sunset", "big", "2k", 6, 17, "fixed", True, "#ff0000", "second"],
                                       inputs=[("model.images.image_1", "IMAGE", 7), ("model.images.image_2", "IMAGE", None)]),
                     links=[[7, 1, 0, 3, 0, "IMAGE"]])
    assert prompt["3"]["inputs"] == {"prompt": "sunset", "model": "big", "model.size": "2k", "model.steps": 6,
                                     "seed": 17, "flag": True, "tint": "#ff0000", "mode": "second",
                                     "model.images.image_1": ["1", 0]}


def test_another_option_brings_other_widgets(reg):
    prompt = convert(reg, picker(["x", "small", "high", 3, "randomize", False, "#000000", "first"]))
    assert prompt["3"]["inputs"] == {"prompt": "x", "model": "small", "model.quality": "high", "seed": 3,
                                     "flag": False, "tint": "#000000", "mode": "first"}


def test_widgets_without_saved_values_take_defaults_and_a_combo_its_first_option(reg):
    prompt = convert(reg, picker(["x", "small"]))
    assert prompt["3"]["inputs"] == {"prompt": "x", "model": "small", "model.quality": "low", "seed": 0,
                                     "flag": False, "tint": "#ffffff", "mode": "first"}


def test_misaligned_dynamic_widgets_are_refused_naming_node_and_widget(reg):
    with pytest.raises(WorkflowConversionError, match=r"node 3 \(Picker\).*'medium'.*widget 'model.quality'"):
        convert(reg, picker(["x", "small", "medium", 3, "fixed", False, "#000000", "first"]))
    with pytest.raises(WorkflowConversionError, match=r"node 3 \(Picker\).*'huge'.*widget 'model'"):
        convert(reg, picker(["x", "huge", 3]))


def test_the_old_boolean_seed_control_is_skipped(reg):
    prompt = convert(reg, picker(["x", "small", "high", 9, True, True, "#000000", "second"]))
    assert prompt["3"]["inputs"]["seed"] == 9 and prompt["3"]["inputs"]["flag"] is True
    assert prompt["3"]["inputs"]["mode"] == "second"


def test_a_seed_without_its_control_value_before_a_boolean_is_read_right(reg):
    prompt = convert(reg, picker(["x", "small", "high", 9, True, "#000000", "second"]))
    assert prompt["3"]["inputs"]["flag"] is True and prompt["3"]["inputs"]["tint"] == "#000000"


def test_image_compare_and_custom_combo_as_the_frontend_sends_them(reg):
    compare = node(4, "ImageCompare", widgets=[], inputs=[("image_a", "IMAGE", None), ("image_b", "IMAGE", None)])
    combo = node(5, "CustomCombo", widgets=["pro", 0, "lite", "pro", ""], outputs=[("STRING", "STRING", None)])
    prompt = convert(reg, compare, combo)
    assert prompt["4"]["inputs"] == {"compare_view": {"__value__": ["", ""]}}
    assert prompt["5"]["inputs"] == {"choice": "pro", "index": 1, "option1": "lite", "option2": "pro", "option3": ""}


def test_a_primitive_reaches_only_the_widget_it_is_linked_to_directly(reg):
    primitive = node(6, "PrimitiveNode", widgets=[8], outputs=[("INT", "INT", [61, 62])])
    direct = node(7, "ImageFromBatch", widgets=[0, 1], inputs=[("image", "IMAGE", None), ("length", "INT", 61, "length")])
    reroute = node(8, "Reroute", inputs=[("", "*", 62)], outputs=[("", "INT", [63])])
    behind = node(9, "ImageFromBatch", widgets=[0, 2], inputs=[("image", "IMAGE", None), ("length", "INT", 63, "length")])
    prompt = convert(reg, primitive, direct, reroute, behind,
                     links=[[61, 6, 0, 7, 1, "INT"], [62, 6, 0, 8, 0, "*"], [63, 8, 0, 9, 1, "INT"]])
    assert prompt["7"]["inputs"]["length"] == 8
    assert prompt["9"]["inputs"]["length"] == 2  # the frontend copies primitives into direct targets only
