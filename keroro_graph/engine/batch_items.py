"""A batch's results per item, for galleries: which ui entry (a saved image, a video,
a text) came from which item, each item's label and the items that failed alone.

A batch starts at a node that declares its item count (``items=`` on LoadImageFolder,
TextLines, CsvRows); every node mapped over its list runs once per item, so the call
index of a mapped node is the item index. The label of an item is the batch node's
first text output (a file name, a line, a CSV column), shortened.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ..graph.model import Graph
from .events import ItemFailed

#: Labels are shortened to this many characters, and kept for at most MAX_LABELS items.
LABEL_CHARS = 80
MAX_LABELS = 5000


Outputs = Callable[[str], "tuple[list[Any], ...] | None"]


def batch_items(graph: Graph, outputs_of: Outputs,
                ui_items: dict[str, dict[str, list[int]]], errors: Iterable[ItemFailed]) -> dict[str, Any] | None:
    """``{"total", "source", "labels", "outputs": {node: {ui key: [item, ...]}}, "errors":
    [{"item", "node_id", "class_type", "message"}]}``, or None when no batch node ran.
    ``outputs_of(node_id)`` gives a node's outputs in this run (ran or cached), or None."""
    failed: list[dict[str, Any]] = [{"item": e.item, "node_id": e.node_id, "class_type": e.class_type, "message": e.message}
              for e in errors]
    source, labels = _source(graph, outputs_of)
    if source is None:  # list mapping without a batch node: ComfyUI's history as it is
        return None
    seen = [i for by_key in ui_items.values() for items in by_key.values() for i in items]
    total = max([len(labels), *(i + 1 for i in seen), *(e["item"] + 1 for e in failed), 0])
    if total < 2 and not failed:
        return None
    return {"total": total, "source": source, "labels": labels[:MAX_LABELS],
            "outputs": {node: dict(by_key) for node, by_key in sorted(ui_items.items())},
            "errors": sorted(failed, key=lambda e: (e["item"], e["node_id"]))}


def _source(graph: Graph, outputs_of: Outputs) -> tuple[str | None, list[str]]:
    """The batch node of this run with the most items, and its items' labels."""
    best: tuple[int, str, tuple[list[Any], ...]] | None = None
    for node_id, node in graph.nodes.items():
        if node.spec.behaviour.extra.get("items") is None:
            continue
        outputs = outputs_of(node_id)
        if outputs is not None:
            count = max((len(values) for values in outputs), default=0)
            if best is None or count > best[0]:
                best = (count, node_id, outputs)
    if best is None:
        return None, []
    count, node_id, outputs = best
    for values in outputs:
        if len(values) == count and values and all(isinstance(v, str) for v in values):
            return node_id, [_short(v) for v in values]
    return node_id, [""] * count


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"
