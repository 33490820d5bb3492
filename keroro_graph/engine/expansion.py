"""Node expansion (ComfyUI's ``{"result": ..., "expand": graph}`` returns).

A node call may return a graph fragment in API format plus results in which some
values are links ``[node_id, slot]`` into that fragment. The fragment's nodes join the
running graph as *ephemeral* nodes (each remembers the node that made it, its parent,
and the node it is shown as), their output nodes are demanded, and the expanding node
waits for the linked outputs, then finishes with the links replaced by their values.
Expanded nodes are signed like any node, so an identical expansion is a cache hit.

``DynamicPrompt`` is what a node sees through the hidden ``DYNPROMPT`` input: the
submitted prompt plus everything expanded so far (ComfyUI's
``comfy_execution.graph.DynamicPrompt``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, cast

from ..errors import DependencyCycleError, KeroroError
from ..graph.model import Graph, GraphNode, Link, is_link
from ..registry.spec import NodeOutput, NodeSpec
from .plan import topological


class NodeNotFoundError(KeroroError):
    pass


class DuplicateNodeError(KeroroError):
    pass


class ExpansionError(KeroroError):
    pass


class DynamicPrompt:
    """The prompt as submitted plus the nodes expansions added (ComfyUI's names)."""

    def __init__(self, original_prompt: dict[str, Any]) -> None:
        self.original_prompt = original_prompt
        self.ephemeral_prompt: dict[str, Any] = {}
        self.ephemeral_parents: dict[str, str] = {}
        self.ephemeral_display: dict[str, str] = {}

    def get_node(self, node_id: str) -> dict[str, Any]:
        if node_id in self.ephemeral_prompt:
            return cast("dict[str, Any]", self.ephemeral_prompt[node_id])
        if node_id in self.original_prompt:
            return cast("dict[str, Any]", self.original_prompt[node_id])
        raise NodeNotFoundError(f"Node {node_id} not found")

    def has_node(self, node_id: str) -> bool:
        return node_id in self.original_prompt or node_id in self.ephemeral_prompt

    def add_ephemeral_node(self, node_id: str, node_info: dict[str, Any], parent_id: str,
                           display_id: str) -> None:
        self.ephemeral_prompt[node_id] = node_info
        self.ephemeral_parents[node_id] = parent_id
        self.ephemeral_display[node_id] = display_id

    def get_real_node_id(self, node_id: str) -> str:
        while node_id in self.ephemeral_parents:
            node_id = self.ephemeral_parents[node_id]
        return node_id

    def get_parent_node_id(self, node_id: str) -> str | None:
        return self.ephemeral_parents.get(node_id)

    def get_display_node_id(self, node_id: str) -> str:
        while node_id in self.ephemeral_display:
            node_id = self.ephemeral_display[node_id]
        return node_id

    def all_node_ids(self) -> set[str]:
        return set(self.original_prompt) | set(self.ephemeral_prompt)

    def get_original_prompt(self) -> dict[str, Any]:
        return self.original_prompt


@dataclass
class PendingExpansion:
    """A node whose calls expanded: per call, its results (links still unresolved)."""
    calls: list[NodeOutput]
    ui: dict[str, Any] | None
    sources: list[str]


def ephemeral_nodes(graph: Graph, prompt: DynamicPrompt, parent: str, fragments: list[dict[str, Any]],
                    spec_of: Callable[[str], NodeSpec | None]) -> list[GraphNode]:
    """Add every fragment's nodes to ``graph`` and ``prompt``; returns the new nodes.
    Raises DuplicateNodeError for an id already present (ComfyUI's message) and
    ExpansionError for an unknown class or a malformed entry."""
    added: list[GraphNode] = []
    for fragment in fragments:
        if not isinstance(fragment, dict):
            raise ExpansionError(f"node {parent} returned an 'expand' that is not a dict of nodes")
        for node_id in fragment:
            if prompt.has_node(str(node_id)) or str(node_id) in graph.nodes:
                raise DuplicateNodeError(
                    f"Attempt to add duplicate node {node_id}. Ensure node ids are unique and "
                    "deterministic or use graph_utils.GraphBuilder.")
        for raw_id, info in fragment.items():
            node_id = str(raw_id)
            if not isinstance(info, dict) or "class_type" not in info:
                raise ExpansionError(f"expanded node {node_id} of node {parent} has no class_type")
            spec = spec_of(str(info["class_type"]))
            if spec is None:
                raise ExpansionError(f"expanded node {node_id} of node {parent}: unknown node class "
                                     f"{info['class_type']!r}")
            display = str(info.get("override_display_id") or parent)
            prompt.add_ephemeral_node(node_id, info, parent, display)
            inputs = {name: (Link(value[0], int(value[1])) if is_link(value) else value)
                      for name, value in (info.get("inputs") or {}).items()}
            node = GraphNode(id=node_id, spec=spec, inputs=inputs)
            graph.nodes[node_id] = node
            added.append(node)
    for node in added:
        for name, link in node.links():
            if link.node not in graph.nodes:
                raise ExpansionError(f"expanded node {node.id} input {name!r} links to missing node "
                                     f"{link.node}")
    return added


def unsigned_order(graph: Graph, roots: list[str], signed: dict[str, bytes]) -> list[str]:
    """The nodes ``roots`` need that have no signature yet, in topological order.
    Raises DependencyCycleError when they form a cycle."""
    wanted, stack = set(), [r for r in roots if r not in signed]
    while stack:
        node_id = stack.pop()
        if node_id in wanted:
            continue
        wanted.add(node_id)
        stack.extend(link.node for _, link in graph.nodes[node_id].links() if link.node not in signed)
    return [n for n in topological(graph, wanted) if n in wanted]


def resolve(pending: PendingExpansion, results: dict[str, tuple[list[Any], ...]]) -> list[NodeOutput]:
    """Each call's results with links into the expansion replaced by the values."""
    resolved = []
    for call in pending.calls:
        values = []
        for value in call.values:
            if call.expand is not None and is_link(value):
                produced = results[value[0]][int(value[1])]
                values.append(produced[0] if len(produced) == 1 else list(produced))
            else:
                values.append(value)
        resolved.append(NodeOutput(values=tuple(values)))
    return resolved


def link_sources(calls: list[NodeOutput]) -> list[str]:
    return [value[0] for call in calls if call.expand is not None
            for value in call.values if is_link(value)]


__all__ = ["DependencyCycleError", "DuplicateNodeError", "DynamicPrompt", "ExpansionError",
           "NodeNotFoundError", "PendingExpansion", "ephemeral_nodes", "link_sources",
           "resolve", "unsigned_order"]
