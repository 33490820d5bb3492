"""Tests for keroro_graph/graph/workflow.py: UI workflows (0.4 and 1) become the API
graphs the ComfyUI frontend's graphToPrompt would send."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from keroro_graph.errors import GraphFormatError, WorkflowConversionError
from keroro_graph.graph.workflow import extract_graph, is_api_prompt, is_ui_workflow, workflow_to_prompt
from keroro_graph.registry import PackRecord, Registry, spec_from_v1


# --- a small registry of V1 classes ----------------------------------------------------------

class _Node:
    FUNCTION = "run"
    RETURN_TYPES: tuple[str, ...] = ()

    def run(self, **kwargs: Any) -> tuple[Any, ...]:
        return ()


def _v1(inputs: dict[str, Any], returns: tuple[str, ...] = ()) -> type:
    return type("V1", (_Node,), {"INPUT_TYPES": classmethod(lambda cls: inputs), "RETURN_TYPES": returns})


CLASSES: dict[str, tuple[type, str | None]] = {
    "CheckpointLoaderSimple": (_v1({"required": {"ckpt_name": (["v1-5-pruned-emaonly.safetensors", "sdxl.safetensors"],)}},
                                   ("MODEL", "CLIP", "VAE")), "Load Checkpoint"),
    "CLIPTextEncode": (_v1({"required": {"text": ("STRING", {"multiline": True, "dynamicPrompts": True}),
                                         "clip": ("CLIP",)}}, ("CONDITIONING",)), "CLIP Text Encode (Prompt)"),
    "EmptyLatentImage": (_v1({"required": {"width": ("INT", {"default": 512}), "height": ("INT", {"default": 512}),
                                           "batch_size": ("INT", {"default": 1})}}, ("LATENT",)), "Empty Latent Image"),
    "KSampler": (_v1({"required": {
        "model": ("MODEL",),
        "seed": ("INT", {"default": 0, "min": 0, "max": 0xFFFFFFFFFFFFFFFF}),  # control by the legacy name rule
        "steps": ("INT", {"default": 20, "min": 1}),
        "cfg": ("FLOAT", {"default": 8.0, "step": 0.1}),
        "sampler_name": (["euler", "dpmpp_2m"],),
        "scheduler": (["normal", "karras"],),
        "positive": ("CONDITIONING",), "negative": ("CONDITIONING",), "latent_image": ("LATENT",),
        "denoise": ("FLOAT", {"default": 1.0}),
    }}, ("LATENT",)), None),
    "VAEDecode": (_v1({"required": {"samples": ("LATENT",), "vae": ("VAE",)}}, ("IMAGE",)), "VAE Decode"),
    "SaveImage": (_v1({"required": {"images": ("IMAGE",), "filename_prefix": ("STRING", {"default": "ComfyUI"})},
                       "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}}), "Save Image"),
    "LoadImage": (_v1({"required": {"image": (["example.png", "cat.png"], {"image_upload": True})}},
                      ("IMAGE", "MASK")), "Load Image"),
    "LoadImageMask": (_v1({"required": {"image": (["example.png"], {"image_upload": True}),
                                        "channel": (["alpha", "red"],)},
                           "optional": {"invert": ("BOOLEAN", {"default": False})}}, ("MASK",)), None),
    "ImageBlur": (_v1({"required": {"image": ("IMAGE",), "blur_radius": ("INT", {"default": 1})}}, ("IMAGE",)), None),
    "ImageSharpen": (_v1({"required": {"image": ("IMAGE",), "alpha": ("FLOAT", {"default": 1.0})}}, ("IMAGE",)), None),
    "MaskToImage": (_v1({"required": {"mask": ("MASK",)}}, ("IMAGE",)), None),
    "RandomNoise": (_v1({"required": {"noise_value": ("INT", {"default": 0, "control_after_generate": True}),
                                      "scale": ("FLOAT", {"default": 1.0})}}, ("NOISE",)), None),
    "StylePicker": (_v1({"required": {"style": (["a", "b", "c"], {"control_after_generate": True}),
                                      "weight": ("FLOAT", {"default": 1.0}),
                                      "tags": ("COMBO", {"options": ["x", "y"], "multi_select": True})}},
                        ("STRING",)), None),
    "TextJoin": (_v1({"required": {"first": ("STRING", {"forceInput": True}), "second": ("STRING", {"default": ""})},
                      "optional": {"separator": ("STRING", {"default": ", "}), "image": ("IMAGE",)},
                      "hidden": {"unique_id": "UNIQUE_ID"}}, ("STRING",)), None),
    "IntConstant": (_v1({"required": {"value": ("INT", {"default": 0})}}, ("INT",)), None),
}


@pytest.fixture(scope="module")
def reg() -> Registry:
    registry = Registry()
    pack = PackRecord(name="t", path=Path("."), module="t")
    for class_type, (cls, display_name) in CLASSES.items():
        registry.add(spec_from_v1(class_type, cls, display_name=display_name), pack)
    return registry


# --- compact builders for small, targeted workflows --------------------------------------------

def node(id_: int, type_: str, *, inputs: list[tuple[Any, ...]] = (), outputs: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
         widgets: Any = None, mode: int = 0, title: str | None = None) -> dict[str, Any]:
    """A node as the canvas saves it; inputs are (name, type, link[, widget name])."""
    out: dict[str, Any] = {
        "id": id_, "type": type_, "pos": [100 * id_, 200], "size": [315, 98], "flags": {}, "order": id_,
        "mode": mode,
        "inputs": [{"name": i[0], "type": i[1], "link": i[2], **({"widget": {"name": i[3]}} if len(i) > 3 else {})}
                   for i in inputs],
        "outputs": [{"name": o[0], "type": o[1], "links": o[2]} for o in outputs],
        "properties": {"Node name for S&R": type_},
    }
    if widgets is not None:
        out["widgets_values"] = widgets
    if title is not None:
        out["title"] = title
    return out


def workflow(nodes: list[dict[str, Any]], links: list[list[Any]], **extra: Any) -> dict[str, Any]:
    return {"last_node_id": max((n["id"] for n in nodes), default=0), "last_link_id": len(links),
            "nodes": nodes, "links": links, "groups": [], "config": {}, "extra": {}, "version": 0.4, **extra}


def load_blur_save(blur_mode: int = 0) -> list[dict[str, Any]]:
    return [
        node(1, "LoadImage", outputs=[("IMAGE", "IMAGE", [1]), ("MASK", "MASK", None)], widgets=["cat.png", "image"]),
        node(2, "ImageBlur", inputs=[("image", "IMAGE", 1)], outputs=[("IMAGE", "IMAGE", [2])], widgets=[3],
             mode=blur_mode),
        node(3, "SaveImage", inputs=[("images", "IMAGE", 2)], widgets=["blurred"]),
    ]


LOAD_BLUR_SAVE_LINKS = [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"]]


# --- the default text-to-image workflow, as ComfyUI saves it (0.4) ------------------------------

DEFAULT_WORKFLOW_04: dict[str, Any] = {
    "id": "2f0a6c0e-6b1f-4a57-9d1c-8c7f4a3f2b11", "revision": 0, "last_node_id": 9, "last_link_id": 9,
    "nodes": [
        {"id": 7, "type": "CLIPTextEncode", "pos": [413, 389], "size": [425.28, 180.61], "flags": {}, "order": 3,
         "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 5},
                               {"name": "text", "type": "STRING", "widget": {"name": "text"}, "link": None}],
         "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "slot_index": 0, "links": [6]}],
         "title": "CLIP Text Encode (Negative)",
         "properties": {"Node name for S&R": "CLIPTextEncode", "cnr_id": "comfy-core", "ver": "0.3.40"},
         "widgets_values": ["text, watermark"]},
        {"id": 6, "type": "CLIPTextEncode", "pos": [415, 186], "size": [422.85, 164.31], "flags": {}, "order": 2,
         "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 3}],
         "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "slot_index": 0, "links": [4]}],
         "properties": {"Node name for S&R": "CLIPTextEncode"},
         "widgets_values": ["beautiful scenery nature glass bottle landscape, , purple galaxy bottle,"]},
        {"id": 5, "type": "EmptyLatentImage", "pos": [473, 609], "size": [315, 106], "flags": {}, "order": 0,
         "mode": 0, "inputs": [],
         "outputs": [{"name": "LATENT", "type": "LATENT", "slot_index": 0, "links": [2]}],
         "properties": {"Node name for S&R": "EmptyLatentImage"}, "widgets_values": [512, 512, 1]},
        {"id": 3, "type": "KSampler", "pos": [863, 186], "size": [315, 262], "flags": {}, "order": 4, "mode": 0,
         "inputs": [{"name": "model", "type": "MODEL", "link": 1},
                    {"name": "positive", "type": "CONDITIONING", "link": 4},
                    {"name": "negative", "type": "CONDITIONING", "link": 6},
                    {"name": "latent_image", "type": "LATENT", "link": 2},
                    {"name": "seed", "type": "INT", "widget": {"name": "seed"}, "link": None}],
         "outputs": [{"name": "LATENT", "type": "LATENT", "slot_index": 0, "links": [7]}],
         "properties": {"Node name for S&R": "KSampler"},
         "widgets_values": [156680208700286, "randomize", 20, 8, "euler", "normal", 1]},
        {"id": 8, "type": "VAEDecode", "pos": [1209, 188], "size": [210, 46], "flags": {}, "order": 5, "mode": 0,
         "inputs": [{"name": "samples", "type": "LATENT", "link": 7}, {"name": "vae", "type": "VAE", "link": 8}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "slot_index": 0, "links": [9]}],
         "properties": {"Node name for S&R": "VAEDecode"}, "widgets_values": []},
        {"id": 9, "type": "SaveImage", "pos": [1451, 189], "size": [210, 58], "flags": {}, "order": 6, "mode": 0,
         "inputs": [{"name": "images", "type": "IMAGE", "link": 9}], "outputs": [],
         "properties": {}, "widgets_values": ["ComfyUI"]},
        {"id": 4, "type": "CheckpointLoaderSimple", "pos": [26, 474], "size": [315, 98], "flags": {}, "order": 1,
         "mode": 0, "inputs": [],
         "outputs": [{"name": "MODEL", "type": "MODEL", "slot_index": 0, "links": [1]},
                     {"name": "CLIP", "type": "CLIP", "slot_index": 1, "links": [3, 5]},
                     {"name": "VAE", "type": "VAE", "slot_index": 2, "links": [8]}],
         "properties": {"Node name for S&R": "CheckpointLoaderSimple", "models": [
             {"name": "v1-5-pruned-emaonly.safetensors", "directory": "checkpoints",
              "url": "https://huggingface.co/Comfy-Org/stable-diffusion-v1-5-archive/resolve/main/v1-5-pruned-emaonly.safetensors"}]},
         "widgets_values": ["v1-5-pruned-emaonly.safetensors"]},
    ],
    "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"], [3, 4, 1, 6, 0, "CLIP"],
              [4, 6, 0, 3, 1, "CONDITIONING"], [5, 4, 1, 7, 0, "CLIP"], [6, 7, 0, 3, 2, "CONDITIONING"],
              [7, 3, 0, 8, 0, "LATENT"], [8, 4, 2, 8, 1, "VAE"], [9, 8, 0, 9, 0, "IMAGE"]],
    "groups": [{"id": 1, "title": "Sampling", "bounding": [840, 100, 400, 400], "color": "#3f789e",
                "font_size": 24, "flags": {}}],
    "config": {}, "extra": {"ds": {"scale": 1.1, "offset": [0, 0]}, "frontendVersion": "1.21.7"},
    "version": 0.4,
}

DEFAULT_PROMPT: dict[str, Any] = {
    "3": {"class_type": "KSampler", "_meta": {"title": "KSampler"}, "inputs": {
        "seed": 156680208700286, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal",
        "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
    "4": {"class_type": "CheckpointLoaderSimple", "_meta": {"title": "Load Checkpoint"},
          "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "_meta": {"title": "Empty Latent Image"},
          "inputs": {"width": 512, "height": 512, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "_meta": {"title": "CLIP Text Encode (Prompt)"}, "inputs": {
        "text": "beautiful scenery nature glass bottle landscape, , purple galaxy bottle,", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "_meta": {"title": "CLIP Text Encode (Negative)"},
          "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "_meta": {"title": "VAE Decode"}, "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "_meta": {"title": "Save Image"},
          "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
}


def test_default_workflow_04_becomes_the_api_graph(reg: Registry) -> None:
    assert workflow_to_prompt(DEFAULT_WORKFLOW_04, reg) == DEFAULT_PROMPT


def test_version_1_links_as_objects_give_the_same_graph(reg: Registry) -> None:
    doc = copy.deepcopy(DEFAULT_WORKFLOW_04)
    fields = ("id", "origin_id", "origin_slot", "target_id", "target_slot", "type")
    doc["links"] = [dict(zip(fields, link)) for link in doc["links"]]
    doc["version"] = 1
    doc["state"] = {"lastGroupId": 1, "lastNodeId": 9, "lastLinkId": 9, "lastRerouteId": 0}
    for key in ("last_node_id", "last_link_id"):
        del doc[key]
    assert workflow_to_prompt(doc, reg) == DEFAULT_PROMPT


def test_version_1_workflow_with_native_reroute(reg: Registry) -> None:
    doc = {
        "id": "0c4b8a52-1f0e-4d3c-9f6e-3b1c5e7a9d20", "revision": 3, "version": 1,
        "state": {"lastGroupId": 0, "lastNodeId": 3, "lastLinkId": 2, "lastRerouteId": 1},
        "nodes": load_blur_save(),
        "links": [{"id": 1, "origin_id": 1, "origin_slot": 0, "target_id": 2, "target_slot": 0, "type": "IMAGE"},
                  {"id": 2, "origin_id": 2, "origin_slot": 0, "target_id": 3, "target_slot": 0, "type": "IMAGE",
                   "parentId": 1}],
        "reroutes": [{"id": 1, "pos": [700, 300], "linkIds": [2]}],
        "floatingLinks": [], "groups": [], "config": {}, "extra": {"ds": {"scale": 1, "offset": [0, 0]}},
    }
    assert workflow_to_prompt(doc, reg) == {
        "1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}, "_meta": {"title": "Load Image"}},
        "2": {"class_type": "ImageBlur", "inputs": {"blur_radius": 3, "image": ["1", 0]}, "_meta": {"title": "ImageBlur"}},
        "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "blurred", "images": ["2", 0]},
              "_meta": {"title": "Save Image"}},
    }


# --- widget values -----------------------------------------------------------------------------

def inputs_of(reg: Registry, *nodes: dict[str, Any], links: list[list[Any]] = (), node_id: str = "1") -> dict[str, Any]:  # type: ignore[assignment]
    return workflow_to_prompt(workflow(list(nodes), list(links)), reg)[node_id]["inputs"]


def test_explicit_control_after_generate_value_is_skipped(reg: Registry) -> None:
    assert inputs_of(reg, node(1, "RandomNoise", widgets=[77, "fixed", 0.5])) == {"noise_value": 77, "scale": 0.5}


def test_combo_control_and_filter_values_are_skipped_and_lists_wrapped(reg: Registry) -> None:
    got = inputs_of(reg, node(1, "StylePicker", widgets=["b", "randomize", "/a|b/", 0.5, ["x", "y"]]))
    assert got == {"style": "b", "weight": 0.5, "tags": {"__value__": ["x", "y"]}}


def test_upload_button_value_is_skipped(reg: Registry) -> None:
    assert inputs_of(reg, node(1, "LoadImage", widgets=["example.png", "image"])) == {"image": "example.png"}


def test_upload_button_comes_after_all_required_widgets(reg: Registry) -> None:
    got = inputs_of(reg, node(1, "LoadImageMask", widgets=["example.png", "alpha", "image", True]))
    assert got == {"image": "example.png", "channel": "alpha", "invert": True}


def test_force_input_has_no_slot_optional_widgets_do_and_hidden_never(reg: Registry) -> None:
    text = node(1, "TextJoin", inputs=[("first", "STRING", None), ("image", "IMAGE", None)],
                widgets=["world", " - "])
    assert inputs_of(reg, text) == {"second": "world", "separator": " - "}


def test_dict_widgets_values_are_read_by_name(reg: Registry) -> None:
    sampler = node(1, "KSampler", widgets={"seed": 5, "steps": 30, "cfg": 6.5, "sampler_name": "dpmpp_2m",
                                          "scheduler": "karras", "denoise": 0.6, "videopreview": {"hidden": False}})
    assert inputs_of(reg, sampler) == {"seed": 5, "steps": 30, "cfg": 6.5, "sampler_name": "dpmpp_2m",
                                       "scheduler": "karras", "denoise": 0.6}


def test_missing_seed_control_value_is_tolerated(reg: Registry) -> None:
    got = inputs_of(reg, node(1, "KSampler", widgets=[5, 30, 6.5, "euler", "normal", 1]))
    assert got == {"seed": 5, "steps": 30, "cfg": 6.5, "sampler_name": "euler", "scheduler": "normal", "denoise": 1}


def test_missing_trailing_values_take_declared_defaults(reg: Registry) -> None:
    assert inputs_of(reg, node(1, "EmptyLatentImage", widgets=[768])) == {"width": 768, "height": 512, "batch_size": 1}


def test_values_that_do_not_line_up_raise_naming_node_and_value(reg: Registry) -> None:
    shifted = node(12, "KSampler", widgets=[5, "randomize", "euler", 20, 8, "normal", 1])
    with pytest.raises(WorkflowConversionError) as err:
        workflow_to_prompt(workflow([shifted], []), reg)
    message = str(err.value)
    assert message.startswith("node 12 (KSampler): widgets_values[2] is 'euler'")
    assert "INT widget 'steps'" in message


def test_widgets_values_of_the_wrong_shape_raise(reg: Registry) -> None:
    with pytest.raises(WorkflowConversionError, match=r"node 1 \(ImageBlur\): widgets_values must be a list"):
        workflow_to_prompt(workflow([node(1, "ImageBlur", widgets="3")], []), reg)


# --- links, virtual nodes, mute and bypass ------------------------------------------------------

def test_converted_widget_socket_keeps_its_slot_and_the_link_wins(reg: Registry) -> None:
    nodes = [
        node(1, "KSampler", inputs=[("seed", "INT", 1, "seed"), ("steps", "INT", None, "steps")],
             widgets=[0, "increment", 25, 7.5, "euler", "karras", 0.8]),
        node(2, "IntConstant", outputs=[("INT", "INT", [1])], widgets=[99]),
    ]
    got = inputs_of(reg, *nodes, links=[[1, 2, 0, 1, 0, "INT"]])
    assert got == {"seed": ["2", 0], "steps": 25, "cfg": 7.5, "sampler_name": "euler", "scheduler": "karras",
                   "denoise": 0.8}


def test_primitive_node_value_is_written_into_every_input_it_feeds(reg: Registry) -> None:
    nodes = [
        node(1, "PrimitiveNode", outputs=[("INT", "INT", [1, 2])], widgets=[1234, "fixed"], title="seed"),
        node(2, "KSampler", inputs=[("seed", "INT", 1, "seed")], widgets=[0, "randomize", 20, 8, "euler", "normal", 1]),
        node(3, "RandomNoise", inputs=[("noise_value", "INT", 2, "noise_value")], widgets=[0, "randomize", 1.0]),
    ]
    prompt = workflow_to_prompt(workflow(nodes, [[1, 1, 0, 2, 0, "INT"], [2, 1, 0, 3, 0, "INT"]]), reg)
    assert set(prompt) == {"2", "3"}
    assert prompt["2"]["inputs"]["seed"] == 1234
    assert prompt["3"]["inputs"] == {"noise_value": 1234, "scale": 1.0}


def test_reroutes_are_followed_to_their_source(reg: Registry) -> None:
    nodes = [
        node(1, "LoadImage", outputs=[("IMAGE", "IMAGE", [1]), ("MASK", "MASK", [4])], widgets=["cat.png", "image"]),
        node(2, "Reroute", inputs=[("", "*", 1)], outputs=[("", "IMAGE", [2])]),
        node(3, "Reroute", inputs=[("", "*", 2)], outputs=[("", "IMAGE", [3])]),
        node(4, "SaveImage", inputs=[("images", "IMAGE", 3)], widgets=["rerouted"]),
        node(5, "Reroute", inputs=[("", "*", None)], outputs=[("", "*", [5])]),
        node(6, "MaskToImage", inputs=[("mask", "MASK", 4)], outputs=[("IMAGE", "IMAGE", None)]),
        node(7, "TextJoin", inputs=[("first", "STRING", None), ("image", "IMAGE", 5)], widgets=["x", ", "]),
    ]
    links = [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"], [3, 3, 0, 4, 0, "IMAGE"],
             [4, 1, 1, 6, 0, "MASK"], [5, 5, 0, 7, 1, "*"]]
    prompt = workflow_to_prompt(workflow(nodes, links), reg)
    assert set(prompt) == {"1", "4", "6", "7"}
    assert prompt["4"]["inputs"]["images"] == ["1", 0]
    assert prompt["6"]["inputs"]["mask"] == ["1", 1]
    assert "image" not in prompt["7"]["inputs"]  # a reroute with nothing upstream feeds nothing


def test_notes_are_dropped(reg: Registry) -> None:
    nodes = load_blur_save() + [node(10, "Note", widgets=["remember to fix the seed"]),
                                node(11, "MarkdownNote", widgets=["# About\nblur demo"])]
    assert set(workflow_to_prompt(workflow(nodes, LOAD_BLUR_SAVE_LINKS), reg)) == {"1", "2", "3"}


def test_muted_node_is_dropped_and_inputs_linked_to_it_deleted(reg: Registry) -> None:
    nodes = [
        node(1, "IntConstant", outputs=[("INT", "INT", [1])], widgets=[5], mode=2),
        node(2, "ImageBlur", inputs=[("image", "IMAGE", None), ("blur_radius", "INT", 1, "blur_radius")],
             widgets=[3]),
    ]
    prompt = workflow_to_prompt(workflow(nodes, [[1, 1, 0, 2, 1, "INT"]]), reg)
    assert prompt == {"2": {"class_type": "ImageBlur", "inputs": {}, "_meta": {"title": "ImageBlur"}}}


def test_muted_producer_removes_the_consumer_input(reg: Registry) -> None:
    prompt = workflow_to_prompt(workflow(load_blur_save(blur_mode=2), LOAD_BLUR_SAVE_LINKS), reg)
    assert set(prompt) == {"1", "3"}
    assert prompt["3"]["inputs"] == {"filename_prefix": "blurred"}


def test_bypassed_node_is_wired_around(reg: Registry) -> None:
    prompt = workflow_to_prompt(workflow(load_blur_save(blur_mode=4), LOAD_BLUR_SAVE_LINKS), reg)
    assert set(prompt) == {"1", "3"}
    assert prompt["3"]["inputs"]["images"] == ["1", 0]


def test_chain_of_bypassed_nodes_is_wired_around(reg: Registry) -> None:
    nodes = [
        node(1, "LoadImage", outputs=[("IMAGE", "IMAGE", [1]), ("MASK", "MASK", None)], widgets=["cat.png", "image"]),
        node(2, "ImageBlur", inputs=[("image", "IMAGE", 1), ("blur_radius", "INT", None, "blur_radius")],
             outputs=[("IMAGE", "IMAGE", [2])], widgets=[3], mode=4),
        node(3, "ImageSharpen", inputs=[("image", "IMAGE", 2)], outputs=[("IMAGE", "IMAGE", [3])], widgets=[0.5], mode=4),
        node(4, "SaveImage", inputs=[("images", "IMAGE", 3)], widgets=["chain"]),
    ]
    links = [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"], [3, 3, 0, 4, 0, "IMAGE"]]
    prompt = workflow_to_prompt(workflow(nodes, links), reg)
    assert prompt == {
        "1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}, "_meta": {"title": "Load Image"}},
        "4": {"class_type": "SaveImage", "inputs": {"filename_prefix": "chain", "images": ["1", 0]},
              "_meta": {"title": "Save Image"}},
    }


def test_bypass_picks_the_input_of_the_consumed_type(reg: Registry) -> None:
    nodes = [
        node(1, "LoadImage", outputs=[("IMAGE", "IMAGE", [1]), ("MASK", "MASK", [2])], widgets=["cat.png", "image"]),
        node(2, "TextJoin", inputs=[("first", "STRING", None), ("mask", "MASK", 2), ("image", "IMAGE", 1)],
             outputs=[("IMAGE", "IMAGE", [3])], widgets=["", ", "], mode=4),
        node(3, "SaveImage", inputs=[("images", "IMAGE", 3)], widgets=["typed"]),
    ]
    links = [[1, 1, 0, 2, 2, "IMAGE"], [2, 1, 1, 2, 1, "MASK"], [3, 2, 0, 3, 0, "IMAGE"]]
    assert workflow_to_prompt(workflow(nodes, links), reg)["3"]["inputs"]["images"] == ["1", 0]


def test_bypass_without_an_input_of_that_type_drops_the_input(reg: Registry) -> None:
    nodes = [
        node(1, "LoadImage", outputs=[("IMAGE", "IMAGE", None), ("MASK", "MASK", [1])], widgets=["cat.png", "image"]),
        node(2, "MaskToImage", inputs=[("mask", "MASK", 1)], outputs=[("IMAGE", "IMAGE", [2])], mode=4),
        node(3, "SaveImage", inputs=[("images", "IMAGE", 2)], widgets=["nothing"]),
    ]
    prompt = workflow_to_prompt(workflow(nodes, [[1, 1, 1, 2, 0, "MASK"], [2, 2, 0, 3, 0, "IMAGE"]]), reg)
    assert prompt["3"]["inputs"] == {"filename_prefix": "nothing"}


def test_custom_title_wins_over_display_name(reg: Registry) -> None:
    prompt = workflow_to_prompt(workflow([node(1, "LoadImage", widgets=["cat.png", "image"], title="Cat")], []), reg)
    assert prompt["1"]["_meta"] == {"title": "Cat"}


# --- subgraphs ---------------------------------------------------------------------------------

SUBGRAPH_ID = "5f3c2b1a-9e8d-4c7b-a6f5-0e1d2c3b4a59"


def sampler_subgraph() -> dict[str, Any]:
    """A subgraph 'Sample and decode': model, clip, vae, seed (promoted) in; IMAGE out."""
    def inner_link(id_: int, o: int, os_: int, t: int, ts: int, type_: str) -> dict[str, Any]:
        return {"id": id_, "origin_id": o, "origin_slot": os_, "target_id": t, "target_slot": ts, "type": type_}

    return {
        "id": SUBGRAPH_ID, "version": 1, "revision": 0, "name": "Sample and decode",
        "state": {"lastGroupId": 0, "lastNodeId": 5, "lastLinkId": 9, "lastRerouteId": 0},
        "config": {}, "extra": {}, "groups": [], "widgets": [],
        "inputNode": {"id": -10, "bounding": [0, 300, 120, 140]},
        "outputNode": {"id": -20, "bounding": [1400, 300, 120, 60]},
        "inputs": [{"id": "i0", "name": "model", "type": "MODEL", "linkIds": [1], "pos": [100, 320]},
                   {"id": "i1", "name": "clip", "type": "CLIP", "linkIds": [2], "pos": [100, 340]},
                   {"id": "i2", "name": "vae", "type": "VAE", "linkIds": [3], "pos": [100, 360]},
                   {"id": "i3", "name": "seed", "type": "INT", "linkIds": [4], "pos": [100, 380]}],
        "outputs": [{"id": "o0", "name": "IMAGE", "type": "IMAGE", "linkIds": [9], "pos": [1420, 320]}],
        "nodes": [
            node(1, "CLIPTextEncode", inputs=[("clip", "CLIP", 2)], outputs=[("CONDITIONING", "CONDITIONING", [5, 6])],
                 widgets=["a lighthouse at dusk"]),
            node(2, "EmptyLatentImage", outputs=[("LATENT", "LATENT", [7])], widgets=[512, 768, 1]),
            node(3, "KSampler", inputs=[("model", "MODEL", 1), ("positive", "CONDITIONING", 5),
                                        ("negative", "CONDITIONING", 6), ("latent_image", "LATENT", 7),
                                        ("seed", "INT", 4, "seed")],
                 outputs=[("LATENT", "LATENT", [8])], widgets=[7, "randomize", 20, 8, "euler", "normal", 1]),
            node(4, "VAEDecode", inputs=[("samples", "LATENT", 8), ("vae", "VAE", 3)], outputs=[("IMAGE", "IMAGE", [9])]),
            node(5, "Note", widgets=["inside the subgraph"]),
        ],
        "links": [inner_link(1, -10, 0, 3, 0, "MODEL"), inner_link(2, -10, 1, 1, 0, "CLIP"),
                  inner_link(3, -10, 2, 4, 1, "VAE"), inner_link(4, -10, 3, 3, 4, "INT"),
                  inner_link(5, 1, 0, 3, 1, "CONDITIONING"), inner_link(6, 1, 0, 3, 2, "CONDITIONING"),
                  inner_link(7, 2, 0, 3, 3, "LATENT"), inner_link(8, 3, 0, 4, 0, "LATENT"),
                  inner_link(9, 4, 0, -20, 0, "IMAGE")],
    }


def instance(id_: int, links: tuple[Any, Any, Any], *, out_links: list[int] | None, seed: Any,
             mode: int = 0, type_: str = SUBGRAPH_ID) -> dict[str, Any]:
    return node(id_, type_, mode=mode, widgets=[seed],
                inputs=[("model", "MODEL", links[0]), ("clip", "CLIP", links[1]), ("vae", "VAE", links[2]),
                        ("seed", "INT", None, "seed")],
                outputs=[("IMAGE", "IMAGE", out_links)])


def subgraph_workflow(second_mode: int = 0) -> dict[str, Any]:
    nodes = [
        node(5, "CheckpointLoaderSimple", outputs=[("MODEL", "MODEL", [11, 21]), ("CLIP", "CLIP", [12, 22]),
                                                   ("VAE", "VAE", [13, 23])], widgets=["sdxl.safetensors"]),
        instance(10, (11, 12, 13), out_links=[14], seed=42),
        node(11, "SaveImage", inputs=[("images", "IMAGE", 14)], widgets=["first"]),
        instance(20, (21, 22, 23), out_links=[24], seed=99, mode=second_mode),
        node(21, "SaveImage", inputs=[("images", "IMAGE", 24)], widgets=["second"]),
    ]
    links = [[11, 5, 0, 10, 0, "MODEL"], [12, 5, 1, 10, 1, "CLIP"], [13, 5, 2, 10, 2, "VAE"],
             [14, 10, 0, 11, 0, "IMAGE"], [21, 5, 0, 20, 0, "MODEL"], [22, 5, 1, 20, 1, "CLIP"],
             [23, 5, 2, 20, 2, "VAE"], [24, 20, 0, 21, 0, "IMAGE"]]
    return workflow(nodes, links, definitions={"subgraphs": [sampler_subgraph()]})


def test_subgraph_instances_are_flattened_with_colon_ids(reg: Registry) -> None:
    prompt = workflow_to_prompt(subgraph_workflow(), reg)
    assert set(prompt) == {"5", "11", "21", "10:1", "10:2", "10:3", "10:4", "20:1", "20:2", "20:3", "20:4"}
    assert prompt["10:3"] == {"class_type": "KSampler", "_meta": {"title": "KSampler"}, "inputs": {
        "seed": 42, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal", "denoise": 1,
        "model": ["5", 0], "positive": ["10:1", 0], "negative": ["10:1", 0], "latent_image": ["10:2", 0]}}
    assert prompt["10:1"]["inputs"] == {"text": "a lighthouse at dusk", "clip": ["5", 1]}
    assert prompt["10:4"]["inputs"] == {"samples": ["10:3", 0], "vae": ["5", 2]}
    assert prompt["11"]["inputs"]["images"] == ["10:4", 0]
    assert prompt["20:3"]["inputs"]["seed"] == 99
    assert prompt["21"]["inputs"]["images"] == ["20:4", 0]


def test_linked_subgraph_input_reaches_the_inner_widget(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["nodes"].append(node(30, "IntConstant", outputs=[("INT", "INT", [30])], widgets=[5]))
    doc["nodes"][1]["inputs"][3]["link"] = 30
    doc["links"].append([30, 30, 0, 10, 3, "INT"])
    assert workflow_to_prompt(doc, reg)["10:3"]["inputs"]["seed"] == ["30", 0]


def test_bypassed_subgraph_instance_is_wired_around(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["nodes"].append(node(40, "LoadImage", outputs=[("IMAGE", "IMAGE", [41])], widgets=["cat.png", "image"]))
    blur = node(41, "ImageBlur", inputs=[("image", "IMAGE", 41)], outputs=[("IMAGE", "IMAGE", [42])], widgets=[2])
    doc["nodes"].append(blur)
    doc["nodes"][3]["mode"] = 4
    doc["nodes"][3]["inputs"].append({"name": "image", "type": "IMAGE", "link": 42})
    doc["links"] += [[41, 40, 0, 41, 0, "IMAGE"], [42, 41, 0, 20, 4, "IMAGE"]]
    prompt = workflow_to_prompt(doc, reg)
    assert not any(k.startswith("20:") for k in prompt)
    assert prompt["21"]["inputs"]["images"] == ["41", 0]


def test_muted_subgraph_instance_drops_its_nodes_and_consumers_inputs(reg: Registry) -> None:
    prompt = workflow_to_prompt(subgraph_workflow(second_mode=2), reg)
    assert not any(k.startswith("20:") for k in prompt)
    assert prompt["21"]["inputs"] == {"filename_prefix": "second"}


def test_nested_subgraphs_get_nested_ids(reg: Registry) -> None:
    outer_id = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70"
    outer = {
        "id": outer_id, "name": "Wrapper", "version": 1,
        "inputNode": {"id": -10, "bounding": [0, 0, 1, 1]}, "outputNode": {"id": -20, "bounding": [0, 0, 1, 1]},
        "inputs": [{"id": "a", "name": "model", "type": "MODEL", "linkIds": [1]},
                   {"id": "b", "name": "clip", "type": "CLIP", "linkIds": [2]},
                   {"id": "c", "name": "vae", "type": "VAE", "linkIds": [3]}],
        "outputs": [{"id": "d", "name": "IMAGE", "type": "IMAGE", "linkIds": [4]}],
        "nodes": [instance(7, (1, 2, 3), out_links=[4], seed=314)],
        "links": [[1, -10, 0, 7, 0, "MODEL"], [2, -10, 1, 7, 1, "CLIP"], [3, -10, 2, 7, 2, "VAE"],
                  [4, 7, 0, -20, 0, "IMAGE"]],
    }
    doc = subgraph_workflow()
    doc["definitions"]["subgraphs"].append(outer)
    doc["nodes"][1]["type"] = outer_id
    doc["nodes"][1]["inputs"].pop()  # the wrapper promotes no seed
    prompt = workflow_to_prompt(doc, reg)
    assert prompt["10:7:3"]["inputs"]["seed"] == 314
    assert prompt["10:7:3"]["inputs"]["model"] == ["5", 0]
    assert prompt["11"]["inputs"]["images"] == ["10:7:4", 0]


def test_inner_ids_that_repeat_root_ids_are_renumbered_as_the_frontend_does(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["nodes"][0]["id"] = 2  # the checkpoint loader now shares id 2 with the subgraph's latent node
    for link in doc["links"]:
        if link[1] == 5:
            link[1] = 2
    doc["last_node_id"] = 21
    prompt = workflow_to_prompt(doc, reg)
    assert {"10:1", "10:22", "10:3", "10:4", "20:22"} <= set(prompt) and "10:2" not in prompt
    assert prompt["10:3"]["inputs"]["latent_image"] == ["10:22", 0] and prompt["10:3"]["inputs"]["model"] == ["2", 0]


def test_subgraph_that_contains_itself_is_refused(reg: Registry) -> None:
    doc = subgraph_workflow()
    definition = doc["definitions"]["subgraphs"][0]
    definition["nodes"].append(instance(6, (None, None, None), out_links=None, seed=1))
    with pytest.raises(WorkflowConversionError, match="contains itself"):
        workflow_to_prompt(doc, reg)


# --- errors ------------------------------------------------------------------------------------

def test_unknown_node_type_names_node_and_type(reg: Registry) -> None:
    with pytest.raises(WorkflowConversionError) as err:
        workflow_to_prompt(workflow([node(12, "FooBar", widgets=[1])], []), reg)
    assert str(err.value) == "node 12 uses unknown node type 'FooBar' (is its pack installed?)"


def test_unknown_type_inside_a_subgraph_uses_the_flattened_id(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["definitions"]["subgraphs"][0]["nodes"][1]["type"] = "FancyLatent"
    with pytest.raises(WorkflowConversionError, match=r"^node 10:2 uses unknown node type 'FancyLatent'"):
        workflow_to_prompt(doc, reg)


def test_muted_or_bypassed_unknown_nodes_do_not_matter(reg: Registry) -> None:
    nodes = load_blur_save() + [node(9, "FooBar", mode=2), node(8, "BarBaz", mode=4)]
    assert set(workflow_to_prompt(workflow(nodes, LOAD_BLUR_SAVE_LINKS), reg)) == {"1", "2", "3"}


def test_legacy_group_node_is_refused_with_advice(reg: Registry) -> None:
    with pytest.raises(WorkflowConversionError, match=r"node 3 is a legacy group node \('workflow>Upscale'\)"):
        workflow_to_prompt(workflow([node(3, "workflow>Upscale")], [], extra={"groupNodes": {"Upscale": {}}}), reg)


def test_promoted_subgraph_values_may_be_saved_by_name(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["nodes"][1]["widgets_values"] = {"seed": 2024}
    assert workflow_to_prompt(doc, reg)["10:3"]["inputs"]["seed"] == 2024


def test_legacy_promoted_values_with_control_modes_are_read(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["nodes"][1]["widgets_values"] = [2025, "randomize"]
    assert workflow_to_prompt(doc, reg)["10:3"]["inputs"]["seed"] == 2025


def test_unsaved_promoted_value_leaves_the_inner_widget_value(reg: Registry) -> None:
    doc = subgraph_workflow()
    del doc["nodes"][1]["widgets_values"]
    assert workflow_to_prompt(doc, reg)["10:3"]["inputs"]["seed"] == 7


def test_missing_subgraph_definition_is_named(reg: Registry) -> None:
    doc = subgraph_workflow()
    doc["definitions"] = {"subgraphs": []}
    with pytest.raises(WorkflowConversionError, match=f"node 10 is a subgraph \\({SUBGRAPH_ID}\\) whose definition"):
        workflow_to_prompt(doc, reg)


@pytest.mark.parametrize(("doc", "message"), [
    ({"links": []}, "workflow: no 'nodes' list"),
    ({"nodes": {"1": {}}, "links": []}, "workflow: 'nodes' must be a list, got dict"),
    ({"nodes": [{"type": "LoadImage"}], "links": []}, r"workflow: nodes\[0\] is not a node object with an 'id'"),
    ({"nodes": [{"id": 4}], "links": []}, "node 4 has no 'type'"),
    ({"nodes": [node(1, "LoadImage"), node(1, "LoadImage")], "links": []}, r"nodes\[1\] repeats node id 1"),
    ({"nodes": [node(1, "LoadImage")], "links": [[1, 2, 0]]}, r"workflow: links\[0\]: \[1, 2, 0\] is not a link"),
    ({"nodes": [node(1, "LoadImage")], "links": {"1": [1, 1, 0, 2, 0, "IMAGE"]}}, "'links' must be a list"),
    ({"nodes": [node(1, "SaveImage", inputs=[("images", "IMAGE", 7)])], "links": []},
     r"node 1 \(SaveImage\): input 'images' uses link 7, which is not in the workflow links list"),
    ({"nodes": [node(1, "SaveImage", inputs=[("images", "IMAGE", 7)])], "links": [[7, 3, 0, 1, 0, "IMAGE"]]},
     r"node 1 \(SaveImage\): input 'images' is linked from node 3, which is not in the workflow"),
    ({"nodes": [{"id": 1, "type": "SaveImage", "inputs": [{"type": "IMAGE", "link": None}]}], "links": []},
     r"node 1 \(SaveImage\): inputs\[0\] has no 'name'"),
    ("[]", "a UI workflow must be a JSON object, got str"),
])
def test_malformed_documents_say_where(reg: Registry, doc: Any, message: str) -> None:
    with pytest.raises(WorkflowConversionError, match=message):
        workflow_to_prompt(doc, reg)


def test_reroute_loop_is_reported_not_recursed_forever(reg: Registry) -> None:
    nodes = [node(1, "Reroute", inputs=[("", "*", 2)], outputs=[("", "*", [1])]),
             node(2, "Reroute", inputs=[("", "*", 1)], outputs=[("", "*", [2, 3])]),
             node(3, "SaveImage", inputs=[("images", "IMAGE", 3)], widgets=["loop"])]
    links = [[1, 1, 0, 2, 0, "*"], [2, 2, 0, 1, 0, "*"], [3, 2, 0, 3, 0, "IMAGE"]]
    with pytest.raises(WorkflowConversionError, match="go round in a circle"):
        workflow_to_prompt(workflow(nodes, links), reg)


# --- recognising the three shapes --------------------------------------------------------------

def test_shapes_are_recognised(reg: Registry) -> None:
    wrapper = {"client_id": "abc", "prompt": DEFAULT_PROMPT, "extra_data": {}}
    assert is_ui_workflow(DEFAULT_WORKFLOW_04) and not is_api_prompt(DEFAULT_WORKFLOW_04)
    assert is_api_prompt(DEFAULT_PROMPT) and not is_ui_workflow(DEFAULT_PROMPT)
    assert is_api_prompt(wrapper) and not is_ui_workflow(wrapper)
    assert not is_api_prompt([]) and not is_ui_workflow("nodes")


def test_extract_graph_handles_all_three_shapes(reg: Registry) -> None:
    assert extract_graph(DEFAULT_PROMPT, reg) is DEFAULT_PROMPT
    assert extract_graph({"client_id": "abc", "prompt": DEFAULT_PROMPT}, reg) is DEFAULT_PROMPT
    assert extract_graph(DEFAULT_WORKFLOW_04, reg) == DEFAULT_PROMPT
    assert extract_graph({"prompt": DEFAULT_WORKFLOW_04}, reg) == DEFAULT_PROMPT


def test_a_node_called_prompt_is_not_taken_for_a_wrapper(reg: Registry) -> None:
    graph = {"prompt": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x"}}}
    assert is_api_prompt(graph)
    assert extract_graph(graph, reg) is graph


@pytest.mark.parametrize(("doc", "message"), [
    ([1, 2], "the document is a JSON list"),
    ({}, "the document is empty"),
    ({"3": {"inputs": {}}}, "entry '3' has no class_type"),
    ({"prompt": {"3": {"inputs": {}}}}, "the \"prompt\" of this request body is not a graph"),
])
def test_extract_graph_rejects_other_documents(reg: Registry, doc: Any, message: str) -> None:
    with pytest.raises(GraphFormatError, match=message):
        extract_graph(doc, reg)


def test_instance_inputs_match_the_subgraphs_by_name_not_position(reg: Registry) -> None:
    doc = subgraph_workflow()
    instance = doc["nodes"][1]
    instance["inputs"] = [entry for entry in instance["inputs"] if entry["name"] != "clip"]  # saved before clip existed
    prompt = workflow_to_prompt(doc, reg)
    assert prompt["10:4"]["inputs"]["vae"] == ["5", 2]
    assert prompt["10:3"]["inputs"]["seed"] == 42
    assert "clip" not in prompt["10:1"]["inputs"]
