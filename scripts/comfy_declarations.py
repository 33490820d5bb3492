"""Regenerate the ComfyUI declaration tables of the provider packs from ComfyUI's
``/object_info`` (facts only: class names, inputs, options, outputs; no tooltips).

    .venv/bin/python scripts/comfy_declarations.py ../shared/specs/comfyui/object_info-0.29.0.json.gz

Writes ``custom_nodes/<pack>/comfy/object_info.json`` for each pack below."""
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


def main(source: str) -> None:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        info = json.load(handle)
    tables: dict[str, dict] = {pack: {} for pack in PACKS.values()}
    for name, entry in sorted(info.items()):
        category = entry.get("category", "")
        vendor = category.rsplit("/", 1)[-1]
        if category.startswith("partner/") and vendor in PACKS:
            slim = {key: entry[key] for key in KEEP if key in entry}
            # ComfyUI's account inputs and usage tags mean nothing here.
            slim["input"] = {k: v for k, v in entry["input"].items() if k != "hidden"}
            slim["input_order"] = {k: v for k, v in entry["input_order"].items() if k != "hidden"}
            tables[PACKS[vendor]][name] = slim
    for pack, table in tables.items():
        path = ROOT / "custom_nodes" / pack / "comfy" / "object_info.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(table, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(table)} nodes")


if __name__ == "__main__":
    main(sys.argv[1])
