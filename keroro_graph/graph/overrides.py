"""Input overrides by name: ``NODE.INPUT=VALUE`` assignments (NODE is a node id or a
unique node title; VALUE is JSON when it parses as JSON, text otherwise), applied to
an API-format graph. Shared by the CLI's ``--set`` and the MCP tools; pure data, no
engine."""
from __future__ import annotations

import json
from typing import Any


class UsageError(Exception):
    """A malformed or unknown override; the message names it and is shown as is."""


def apply_overrides(graph: dict[str, Any], assignments: list[str]) -> None:
    """Apply ``NODE.INPUT=VALUE`` (NODE is an id or a node title; VALUE is JSON when
    it parses as JSON, a string otherwise). Raises UsageError naming the bad one."""
    for text in assignments:
        target, sep, raw = text.partition("=")
        node_ref, dot, input_name = target.rpartition(".")
        if not sep or not dot or not node_ref or not input_name:
            raise UsageError(f"--set {text!r}: expected NODE.INPUT=VALUE, e.g. --set 3.seed=42")
        node_id = _find_node(graph, node_ref)
        if node_id is None:
            raise UsageError(f"--set {text!r}: no node with id or title {node_ref!r} in the graph")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        graph[node_id].setdefault("inputs", {})[input_name] = value


def _find_node(graph: dict[str, Any], ref: str) -> str | None:
    if ref in graph:
        return ref
    titled = [nid for nid, n in graph.items()
              if isinstance(n, dict) and (n.get("_meta") or {}).get("title") == ref]
    return titled[0] if len(titled) == 1 else None
