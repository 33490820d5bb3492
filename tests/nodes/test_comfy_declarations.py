"""Built-in nodes that ComfyUI also has are declared exactly as ComfyUI 0.29.0
declares them (tests/fixtures/comfyui/object_info-0.29.0.json.gz): the same inputs in
the same order and sections, types, defaults, limits and combo options, and the same
outputs — so ComfyUI's workflows and templates line up with ours."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from keroro_graph.registry import load_registry, object_info

FIXTURE = Path(__file__).parents[1] / "fixtures" / "comfyui" / "object_info-0.29.0.json.gz"
#: Option keys compared (tooltips, display hints and "advanced" are presentation only).
COMPARED = ("default", "min", "max", "multiline", "forceInput", "lazy")
#: Nodes of ours whose inputs do not yet match ComfyUI's (none now).
NOT_YET_MATCHING: set[str] = set()
#: Nodes whose combo options are files or user-built lists (compared as "a list").
FILE_COMBOS = {("LoadImage", "image"), ("LoadVideo", "file"), ("LoadAudio", "audio"), ("CustomCombo", "choice")}


@pytest.fixture(scope="module")
def ours():
    return object_info(load_registry())


@pytest.fixture(scope="module")
def comfy():
    return json.loads(gzip.decompress(FIXTURE.read_bytes()))


def shared_nodes(ours, comfy):
    builtin = load_registry().packs[0].node_types
    return sorted(t for t in builtin if t in comfy and t not in NOT_YET_MATCHING)


def test_the_core_nodes_exist(ours):
    wanted = {"SaveImage", "PreviewImage", "PreviewAny", "SaveImageAdvanced", "SaveText", "LoadVideo", "SaveVideo",
              "CreateVideo", "GetVideoComponents", "Video Slice", "LoadAudio", "SaveAudio", "RecordAudio",
              "BatchImagesNode", "ImageBatch", "ImageFromBatch", "ImageStitch", "ImageCompare", "GetImageSize",
              "ResizeAndPadImage", "ImageScaleToTotalPixels", "StringConcatenate", "StringCompare", "RegexExtract",
              "RegexReplace", "PrimitiveStringMultiline", "ComfySwitchNode", "CustomCombo"}
    assert sorted(wanted - set(ours)) == []


def test_shared_nodes_match_comfyuis_declarations(ours, comfy):
    problems = []
    for class_type in shared_nodes(ours, comfy):
        problems += differences(class_type, ours[class_type], comfy[class_type])
    assert problems == []


def differences(class_type, mine, theirs):
    out = []
    for section in ("required", "optional"):
        want = theirs["input_order"].get(section, [])
        got = mine["input_order"].get(section, [])
        if got != want:
            out.append(f"{class_type}: {section} inputs {got} != ComfyUI's {want}")
            continue
        for name in want:
            out += compare_input(class_type, name, mine["input"][section][name], theirs["input"][section][name])
    for key in ("output", "output_name", "output_is_list", "output_node"):
        if mine.get(key) != theirs.get(key):
            out.append(f"{class_type}: {key} {mine.get(key)} != ComfyUI's {theirs.get(key)}")
    return out


def compare_input(class_type, name, mine, theirs):
    kind_m, opts_m = split(mine)
    kind_t, opts_t = split(theirs)
    where = f"{class_type}.{name}"
    if kind_m != kind_t:
        return [f"{where}: type {kind_m} != ComfyUI's {kind_t}"]
    out = []
    if kind_t == "COMBO" and (class_type, name) not in FILE_COMBOS and opts_m.get("options") != opts_t.get("options"):
        out.append(f"{where}: options {opts_m.get('options')} != ComfyUI's {opts_t.get('options')}")
    if kind_t.startswith("COMFY_") and opts_m != opts_t:
        out.append(f"{where}: dynamic declaration differs: {opts_m} != {opts_t}")
    for key in COMPARED:
        flag = key in ("multiline", "forceInput", "lazy")  # False and absent mean the same
        if key in opts_t and (bool(opts_m.get(key)) != opts_t[key] if flag else opts_m.get(key) != opts_t[key]):
            out.append(f"{where}: {key} {opts_m.get(key)!r} != ComfyUI's {opts_t[key]!r}")
    return out


def split(entry):
    """(type, options) with a V1 combo list turned into ComfyUI 0.29's COMBO form."""
    head = entry[0] if isinstance(entry, list) else entry
    options = dict(entry[1]) if isinstance(entry, list) and len(entry) > 1 else {}
    if isinstance(head, list):
        return "COMBO", {**options, "options": head}
    return head, options
