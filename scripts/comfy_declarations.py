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
#: Plain combo options newer than 0.29 that ComfyUI's own templates (0.1.123) choose,
#: added after 0.29's options (the first option, the default, stays 0.29's). Only where
#: the option is the provider's own model id, sent unchanged, and no other input depends
#: on it: OpenAIChatNode passes ``model`` to OpenAI as it is (api_openai_gpt6_astra).
#: Dynamic-combo options (Nano Banana 2.1, gpt-image-2.5-*) change the inputs after
#: them, which 0.29 cannot tell us; templates choosing those stay refused.
NEWER_OPTIONS = {("OpenAIChatNode", "model"): ["gpt-6-astra"]}


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
    """``entry`` with the options of NEWER_OPTIONS appended to its combos."""
    for section in entry["input"].values():
        for name, spec in section.items():
            extra = NEWER_OPTIONS.get((class_type, name))
            if extra and spec[0] == "COMBO":
                spec[1]["options"] = [*spec[1]["options"], *(o for o in extra if o not in spec[1]["options"])]
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
