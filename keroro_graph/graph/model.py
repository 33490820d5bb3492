"""The API-format graph once validated: nodes with their spec, constant inputs already
coerced to their declared types, and links as ``Link`` objects.

The raw document is ComfyUI's API format (node id → ``{class_type, inputs, _meta}``,
links as ``[source_id, output_index]``, list constants as ``{"__value__": [...]}``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ..registry.spec import NodeSpec


@dataclass(frozen=True, slots=True)
class Link:
    node: str
    slot: int


@dataclass(slots=True)
class GraphNode:
    id: str
    spec: NodeSpec
    #: input name → constant value or Link (undeclared linked inputs included).
    inputs: dict[str, Any]
    title: str | None = None

    @property
    def class_type(self) -> str:
        return self.spec.class_type

    def links(self) -> Iterator[tuple[str, Link]]:
        for name, value in self.inputs.items():
            if type(value) is Link:
                yield name, value


@dataclass(slots=True)
class Graph:
    nodes: dict[str, GraphNode] = field(default_factory=dict)
    #: The prompt as submitted (for PROMPT hidden inputs and image metadata).
    source: dict[str, Any] = field(default_factory=dict)
    #: Topological order of the valid nodes the outputs need (set by validation).
    order: list[str] = field(default_factory=list)

    def __getitem__(self, node_id: str) -> GraphNode:
        return self.nodes[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)


def is_link(value: Any) -> bool:
    """ComfyUI's rule: a two-element list whose first element is a string id and
    whose second is an integral number."""
    return (type(value) is list and len(value) == 2 and type(value[0]) is str
            and type(value[1]) in (int, float) and float(value[1]).is_integer())


def unwrap_constant(value: Any) -> Any:
    """``{"__value__": x}`` carries list-valued widgets; everything else is itself."""
    if type(value) is dict and len(value) == 1 and "__value__" in value:
        return value["__value__"]
    return value
