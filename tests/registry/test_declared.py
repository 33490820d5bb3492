"""Nodes declared from ComfyUI's ``/object_info`` (``comfy_node``): every entry of the
packs' declaration tables becomes a node whose ``/object_info`` says what ComfyUI's
says (names, order, types, options, defaults, outputs), dynamic combos and autogrow
inputs included; flattened sub-inputs reach the node nested as ComfyUI passes them."""
from __future__ import annotations

import json
from typing import Any

import pytest

from keroro_graph.registry import Registry, load_registry, node_info
from keroro_graph.registry.declared import comfy_node, nest
from keroro_graph.settings import REPO_ROOT

TABLES = sorted(REPO_ROOT.glob("custom_nodes/*/comfy/object_info.json"))
ENTRIES = [(path.parent.parent.name, name, entry) for path in TABLES
           for name, entry in json.loads(path.read_text()).items()]


@pytest.fixture(scope="module")
def full_registry() -> Registry:
    return load_registry(custom_dirs=[REPO_ROOT / "custom_nodes"])


def normalised(raw: Any) -> tuple[str, list[Any] | None, dict[str, Any]]:
    """(type, combo choices, options) from either combo spelling; a combo default that
    is its first choice counts as no default (ComfyUI's rule for combos)."""
    head, options = raw[0], dict(raw[1]) if len(raw) > 1 else {}
    if isinstance(head, list):
        kind, choices = "COMBO", head
    elif head == "COMBO":
        kind, choices = "COMBO", options.pop("options", [])
    else:
        return head, None, options
    if choices and options.get("default") == choices[0]:
        options.pop("default")
    options.pop("multiselect", None)
    return kind, choices, options


def test_the_tables_cover_the_four_providers():
    packs = {pack for pack, _, _ in ENTRIES}
    assert packs == {"gemini", "kling", "openai_compat", "qwen"} and len(ENTRIES) == 54


@pytest.mark.parametrize("pack,name,entry", ENTRIES, ids=[e[1] for e in ENTRIES])
def test_object_info_matches_comfyui(full_registry: Registry, pack: str, name: str, entry: dict[str, Any]):
    assert name in full_registry, f"{name} ({pack}) is not implemented"
    info = node_info(full_registry[name])
    assert info["input_order"] == entry["input_order"]
    for section, names in entry["input_order"].items():
        for input_name in names:
            ours, theirs = normalised(info["input"][section][input_name]), normalised(entry["input"][section][input_name])
            if theirs[1] == []:  # a list of the user's files, read when asked
                ours, theirs = ours[0], theirs[0]
            assert ours == theirs
    assert (info["output"], info["output_name"]) == (entry["output"], entry["output_name"])
    assert (info["category"], info["output_node"]) == (entry["category"], entry["output_node"])
    assert full_registry[name].python_module.split(".")[1] == pack


ENTRY = {
    "name": "Demo", "category": "partner/demo", "output": ["STRING"], "output_name": ["STRING"],
    "input_order": {"required": ["model", "refs"]},
    "input": {"required": {
        "model": ["COMFY_DYNAMICCOMBO_V3", {"options": [
            {"key": "a", "inputs": {"required": {"size": ["COMBO", {"options": ["1K", "2K"]}],
                                                 "images": ["COMFY_AUTOGROW_V3", {"template": {
                                                     "input": {"required": {"image": ["IMAGE", {}]}},
                                                     "min": 0, "names": ["image_1", "image_2"]}}]}}},
            {"key": "b", "inputs": {"required": {"size": ["COMBO", {"options": ["4K"]}],
                                                 "steps": ["INT", {"default": 4, "min": 1, "max": 8}]}}}]}],
        "refs": ["COMFY_AUTOGROW_V3", {"template": {"input": {"required": {"video": ["VIDEO", {}]}},
                                                    "min": 1, "names": ["character1", "character2"]}}]}},
}


def test_dynamic_inputs_are_flattened_for_validation_and_hidden_from_object_info():
    @comfy_node(ENTRY)
    def demo(**inputs: Any) -> str:
        return ""

    spec = demo.__node_spec__
    names = [i.name for i in spec.inputs]
    assert names == ["model", "refs", "model.size", "model.images.image_1", "model.images.image_2",
                     "model.steps", "refs.character1", "refs.character2"]
    assert spec.input("model").choices == ["a", "b"] and spec.input("refs").virtual
    assert spec.input("model.size").choices == ["1K", "2K", "4K"]  # the union of both keys' lists
    assert spec.input("model.images.image_1").type == "IMAGE"
    info = node_info(spec)
    assert list(info["input"]["required"]) == ["model", "refs"]
    assert info["input"]["required"]["model"] == ENTRY["input"]["required"]["model"]


def test_the_node_receives_comfyuis_nested_arguments():
    @comfy_node(ENTRY)
    def demo(**inputs: Any) -> str:
        return ""

    spec = demo.__node_spec__
    flat = {"model": "a", "model.images.image_2": "IMG2", "refs.character1": "V1", "model.steps": 3}
    assert nest(spec.inputs, flat) == {"model": {"model": "a", "size": "1K", "images": {"image_2": "IMG2"}},
                                       "refs": {"character1": "V1"}}
    assert nest(spec.inputs, {"model": "b"})["model"] == {"model": "b", "size": "4K", "steps": 4}
