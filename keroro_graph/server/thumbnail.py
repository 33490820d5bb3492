"""A template's thumbnail when it ships none: its nodes drawn as boxes where the UI
workflow places them (an API prompt, which has no layout, gets them in a grid), with
links between them. JPEG bytes, small and deterministic."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

SIZE = (320, 240)
MARGIN = 16
BACKGROUND, NODE, BORDER, LINK = (32, 34, 40), (58, 62, 74), (120, 170, 110), (200, 170, 90)
#: Node boxes drawn at most; a huge workflow's thumbnail shows its first ones.
MAX_NODES = 400


def workflow_thumbnail(path: Path) -> bytes:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = {}
    boxes, links = _layout(doc if isinstance(doc, dict) else {})
    img = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(img)
    if boxes:
        place = _fit(list(boxes.values()))
        for a, b in links:
            if a in boxes and b in boxes:
                (ax0, ay0, ax1, ay1), (bx0, by0, _bx1, by1) = place(boxes[a]), place(boxes[b])
                draw.line([(ax1, (ay0 + ay1) / 2), (bx0, (by0 + by1) / 2)], fill=LINK, width=2)
        for box in boxes.values():
            draw.rounded_rectangle(place(box), radius=4, fill=NODE, outline=BORDER, width=2)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _layout(doc: dict[str, Any]) -> tuple[dict[str, tuple[float, float, float, float]], list[tuple[str, str]]]:
    boxes: dict[str, tuple[float, float, float, float]] = {}
    links: list[tuple[str, str]] = []
    if isinstance(doc.get("nodes"), list):
        for node in doc["nodes"][:MAX_NODES]:
            pos, size = node.get("pos") if isinstance(node, dict) else None, node.get("size") if isinstance(node, dict) else None
            x, y = _pair(pos, (0.0, 0.0))
            w, h = _pair(size, (200.0, 100.0))
            boxes[str(node.get("id"))] = (x, y, x + max(w, 1), y + max(h, 1))
        for link in doc.get("links") or []:
            if isinstance(link, list) and len(link) >= 4:
                links.append((str(link[1]), str(link[3])))
        return boxes, links
    ids = [k for k, v in doc.items() if isinstance(v, dict) and "class_type" in v][:MAX_NODES]
    for i, node_id in enumerate(ids):
        x, y = (i % 4) * 260.0, (i // 4) * 160.0
        boxes[node_id] = (x, y, x + 200, y + 100)
        for value in (doc[node_id].get("inputs") or {}).values():
            if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
                links.append((value[0], node_id))
    return boxes, links


def _pair(value: Any, default: tuple[float, float]) -> tuple[float, float]:
    if isinstance(value, dict):
        value = [value.get("0"), value.get("1")]
    if isinstance(value, (list, tuple)) and len(value) >= 2 and all(isinstance(v, (int, float)) for v in value[:2]):
        return float(value[0]), float(value[1])
    return default


def _fit(boxes: list[tuple[float, float, float, float]]) -> Any:
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    scale = min((SIZE[0] - 2 * MARGIN) / max(x1 - x0, 1), (SIZE[1] - 2 * MARGIN) / max(y1 - y0, 1))

    def place(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (MARGIN + (box[0] - x0) * scale, MARGIN + (box[1] - y0) * scale,
                MARGIN + (box[2] - x0) * scale, MARGIN + (box[3] - y0) * scale)
    return place
