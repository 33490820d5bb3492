"""Regenerate the ComfyUI declaration tables of the provider packs from ComfyUI's
``/object_info`` (facts only: class names, inputs, options, outputs; no tooltips).

    .venv/bin/python scripts/comfy_declarations.py ../shared/specs/comfyui/object_info-0.29.0.json.gz

Writes ``custom_nodes/<pack>/comfy/object_info.json`` for each pack below.

The object_info copy we have was saved with sorted keys, which loses the declaration
order of a dynamic combo option's inputs — and the canvas saves an option's widgets in
that order. The order is restored from ComfyUI's own frontend conversions of the
templates (tests/fixtures/comfyui): the API prompt lists a node's widgets in widget
order, so for every (node, option) a template uses, its widgets come first in that
order, the option's other inputs after them."""
from __future__ import annotations

import copy
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ComfyUI category suffix → our pack holding that provider's protocol.
PACKS = {"Kling": "kling", "Gemini": "gemini", "Wan": "qwen", "OpenAI": "openai_compat"}
KEEP = ("name", "display_name", "category", "input", "input_order", "output", "output_name", "output_is_list",
        "output_node", "api_node")


CONVERSIONS = ROOT / "tests" / "fixtures" / "comfyui" / "frontend-conversions-templates-0.1.123.json.gz"
#: Options newer than 0.29 that ComfyUI's own templates (0.1.123) choose, added after
#: 0.29's options (so the first option, the default, stays 0.29's). The facts come from
#: Comfy-Org's node documentation package (``comfyui-embedded-docs`` 0.5.15 on PyPI,
#: generated from the newer nodes' source: option names, their inputs and ranges) and
#: each provider's published model (docs/providers/comfyui-partner-nodes.md).
#: Plain combos: the option is the provider's model id, sent unchanged.
NEWER_OPTIONS = {("OpenAIChatNode", "model"): ["gpt-6-astra", "gpt-6-sol", "gpt-6-luna"]}
_SIDE = ["INT", {"default": 1024, "min": 480, "max": 3840, "step": 16}]
_GPT_IMAGE_25 = {"custom_width": _SIDE, "custom_height": _SIDE,
                 "background": ["COMBO", {"default": "auto", "multiselect": False,
                                          "options": ["auto", "opaque", "transparent"]}],
                 "quality": ["COMBO", {"default": "low", "multiselect": False,
                                       "options": ["low", "medium", "high", "xhigh", "max"]}]}
#: Dynamic combos: (new option, the 0.29 option whose inputs it has, inputs that differ).
NEWER_DYNAMIC = {
    ("GeminiNanoBanana2V2", "model"): [
        ("Gemini Nano Banana 2.1", "Nano Banana 2 (Gemini 3.1 Flash Image)",
         {"thinking_level": ["COMBO", {"multiselect": False, "options": ["MINIMAL", "MEDIUM", "HIGH"]}]})],
    ("OpenAIGPTImageNodeV2", "model"): [("gpt-image-2.5-flare", "gpt-image-2", _GPT_IMAGE_25),
                                        ("gpt-image-2.5-sunburst", "gpt-image-2", _GPT_IMAGE_25)],
}


def widget_orders() -> dict[tuple[str, str, str], list[str]]:
    """(class type, dynamic input, option key) -> the option's widget names in the
    order ComfyUI's frontend wrote them."""
    with gzip.open(CONVERSIONS, "rt", encoding="utf-8") as handle:
        conversions = json.load(handle)
    orders: dict[tuple[str, str, str], list[str]] = {}
    for prompt in conversions.values():
        for node in (prompt or {}).values():
            inputs = node.get("inputs") or {}
            for name, value in inputs.items():
                if "." in name or not isinstance(value, str):
                    continue
                children = [k[len(name) + 1:] for k in inputs if k.startswith(name + ".")
                            and "." not in k[len(name) + 1:]]
                if children:
                    orders.setdefault((node["class_type"], name, value), children)
    return orders


def ordered(entry: dict, class_type: str, orders: dict[tuple[str, str, str], list[str]]) -> dict:
    """``entry`` with each dynamic combo option's inputs in declaration order, where known."""
    for section in entry["input"].values():
        for name, spec in section.items():
            if not (isinstance(spec, list) and spec and spec[0] == "COMFY_DYNAMICCOMBO_V3"):
                continue
            for option in spec[1]["options"]:
                known = orders.get((class_type, name, option["key"]))
                if not known:
                    continue
                for part in ("required", "optional"):
                    inputs = option["inputs"].get(part)
                    if inputs:
                        first = [k for k in known if k in inputs]
                        option["inputs"][part] = {k: inputs[k] for k in first + [k for k in inputs if k not in first]}
    return entry


def with_newer_options(entry: dict, class_type: str) -> dict:
    """``entry`` with the options of NEWER_OPTIONS and NEWER_DYNAMIC appended."""
    for section in entry["input"].values():
        for name, spec in section.items():
            if spec[0] == "COMBO":
                known = spec[1]["options"]
                known += [o for o in NEWER_OPTIONS.get((class_type, name), []) if o not in known]
            elif spec[0] == "COMFY_DYNAMICCOMBO_V3":
                options = spec[1]["options"]
                for key, like, changed in NEWER_DYNAMIC.get((class_type, name), []):
                    base = copy.deepcopy(next(o for o in options if o["key"] == like)["inputs"])
                    for part in base.values():
                        part.update({k: copy.deepcopy(v) for k, v in changed.items() if k in part})
                    options.append({"inputs": base, "key": key})
    return entry


def main(source: str) -> None:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        info = json.load(handle)
    orders = widget_orders()
    tables: dict[str, dict] = {pack: {} for pack in PACKS.values()}
    for name, entry in sorted(info.items()):
        category = entry.get("category", "")
        vendor = category.rsplit("/", 1)[-1]
        if category.startswith("partner/") and vendor in PACKS:
            slim = {key: entry[key] for key in KEEP if key in entry}
            # ComfyUI's account inputs and usage tags mean nothing here.
            slim["input"] = {k: v for k, v in entry["input"].items() if k != "hidden"}
            slim["input_order"] = {k: v for k, v in entry["input_order"].items() if k != "hidden"}
            tables[PACKS[vendor]][name] = with_newer_options(ordered(slim, name, orders), name)
    for pack, table in tables.items():
        path = ROOT / "custom_nodes" / pack / "comfy" / "object_info.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(table)} nodes")


if __name__ == "__main__":
    main(sys.argv[1])
