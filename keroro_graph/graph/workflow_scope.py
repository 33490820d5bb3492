"""The checked shape of a UI workflow: one ``Scope`` per graph level.

A scope is the root workflow or one subgraph instance's copy of its definition: its
nodes by id, its links by id (0.4 arrays and version-1 objects both become
``UILink``), and the subgraph definitions it may instantiate. Everything malformed is
reported here, naming where it is, so the converter can index without guarding. This
module knows the document format only: no registry, no widgets, no link resolution.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkflowConversionError

MODE_MUTED = 2
MODE_BYPASSED = 4
#: Canvas-only node types: they shape the drawing and never reach the API graph.
VIRTUAL_TYPES = frozenset({"Note", "MarkdownNote", "Reroute", "PrimitiveNode"})
#: Node ids the frontend gives a subgraph's input and output nodes.
SUBGRAPH_INPUT_NODE_ID = "-10"
SUBGRAPH_OUTPUT_NODE_ID = "-20"
_LINK_FIELDS = ("id", "origin_id", "origin_slot", "target_id", "target_slot", "type")


@dataclass(frozen=True, slots=True)
class UILink:
    id: str
    origin_id: str
    origin_slot: int
    target_id: str
    target_slot: int
    type: str


@dataclass(eq=False)
class Scope:
    """One graph level. ``path`` holds the instance node ids from the root, so a node's
    API id is ``"<instance>:<instance>:<id>"`` as in ComfyUI."""

    where: str
    path: tuple[str, ...]
    nodes: dict[str, dict[str, Any]]
    links: dict[str, UILink]
    definitions: dict[str, dict[str, Any]]
    parent: Scope | None = None
    instance_key: str | None = None
    input_node_id: str = SUBGRAPH_INPUT_NODE_ID
    output_node_id: str = SUBGRAPH_OUTPUT_NODE_ID
    #: Subgraph ids entered from the root, to refuse a subgraph that contains itself.
    lineage: tuple[str, ...] = ()
    #: A subgraph's declared input names, in order (the instance's inputs match by name).
    input_names: tuple[str | None, ...] = ()
    _children: dict[str, Scope] = field(default_factory=dict, repr=False)

    def api_id(self, key: str) -> str:
        return ":".join((*self.path, key))

    def describe(self, key: str) -> str:
        return f"node {self.api_id(key)} ({self.nodes[key]['type']})"

    @property
    def instance(self) -> dict[str, Any] | None:
        """The instance node of this subgraph scope, in the parent scope."""
        if self.parent is None or self.instance_key is None:
            return None
        return self.parent.nodes[self.instance_key]

    def is_subgraph(self, key: str) -> bool:
        return self.nodes[key]["type"] in self.definitions

    def subgraph(self, key: str) -> Scope:
        """The scope of the subgraph instance ``key`` (built once, then cached)."""
        if key not in self._children:
            self._children[key] = _subgraph_scope(self, key)
        return self._children[key]


def root_scope(workflow: Any) -> Scope:
    """Check a UI workflow's top level and return its root scope."""
    if not isinstance(workflow, dict):
        raise WorkflowConversionError(
            f"a UI workflow must be a JSON object, got {type(workflow).__name__}")
    if "nodes" not in workflow:
        raise WorkflowConversionError("workflow: no 'nodes' list")
    nodes = parse_nodes(workflow["nodes"], "workflow", ())
    return Scope(where="workflow", path=(), nodes=nodes,
                 links=parse_links(workflow.get("links"), "workflow"),
                 definitions=unique_inner_ids(_definitions(workflow), nodes, _last_node_id(workflow)))


def parse_id(value: Any) -> str | None:
    """A node or link id as a string key (ids are ints, or strings in some files)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) or (isinstance(value, str) and value):
        return str(value)
    return None


def parse_nodes(raw: Any, where: str, path: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, list):
        raise WorkflowConversionError(f"{where}: 'nodes' must be a list, got {type(raw).__name__}")
    nodes: dict[str, dict[str, Any]] = {}
    for index, node in enumerate(raw):
        key = parse_id(node.get("id")) if isinstance(node, dict) else None
        if key is None:
            raise WorkflowConversionError(f"{where}: nodes[{index}] is not a node object with an 'id'")
        if key in nodes:
            raise WorkflowConversionError(f"{where}: nodes[{index}] repeats node id {key}")
        _check_node(node, f"node {':'.join((*path, key))}")
        nodes[key] = node
    return nodes


def parse_links(raw: Any, where: str) -> dict[str, UILink]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise WorkflowConversionError(f"{where}: 'links' must be a list, got {type(raw).__name__}")
    links: dict[str, UILink] = {}
    for index, entry in enumerate(raw):
        if entry is None:  # litegraph tolerates null entries; so do we
            continue
        link = _parse_link(entry, f"{where}: links[{index}]")
        links[link.id] = link
    return links


def _check_node(node: dict[str, Any], name: str) -> None:
    kind = node.get("type")
    if not isinstance(kind, str) or not kind:
        raise WorkflowConversionError(f"{name} has no 'type'")
    name = f"{name} ({kind})"
    for section in ("inputs", "outputs"):
        slots = node.get(section)
        if slots is not None and (not isinstance(slots, list)
                                  or not all(isinstance(s, dict) for s in slots)):
            raise WorkflowConversionError(f"{name}: '{section}' must be a list of objects")
    for index, slot in enumerate(node.get("inputs") or []):
        if not isinstance(slot.get("name"), str):
            raise WorkflowConversionError(f"{name}: inputs[{index}] has no 'name'")
        if slot.get("link") is not None and parse_id(slot["link"]) is None:
            raise WorkflowConversionError(f"{name}: inputs[{index}] has a bad link id {slot['link']!r}")
    mode = node.get("mode", 0)
    if mode is not None and (isinstance(mode, bool) or not isinstance(mode, int)):
        raise WorkflowConversionError(f"{name}: 'mode' must be an integer, got {mode!r}")


def _parse_link(entry: Any, where: str) -> UILink:
    if isinstance(entry, (list, tuple)) and len(entry) >= 5:
        values = dict(zip(_LINK_FIELDS, entry))
    elif isinstance(entry, dict):
        values = entry
    else:
        values = {}
    ids = [parse_id(values.get(name)) for name in ("id", "origin_id", "target_id")]
    slots = [values.get("origin_slot"), values.get("target_slot")]
    if None in ids or not all(isinstance(s, int) and not isinstance(s, bool) for s in slots):
        raise WorkflowConversionError(
            f"{where}: {entry!r} is not a link [id, origin_id, origin_slot, target_id, "
            "target_slot, type] or an object with those fields")
    link_type = values.get("type")
    origin_slot, target_slot = int(slots[0] or 0), int(slots[1] or 0)  # both checked ints above
    return UILink(id=ids[0], origin_id=ids[1], origin_slot=origin_slot, target_id=ids[2],  # type: ignore[arg-type]
                  target_slot=target_slot, type="*" if link_type is None else str(link_type))


def _definitions(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """All subgraph definitions by id, including ones nested inside definitions."""
    found: dict[str, dict[str, Any]] = {}
    pending = [workflow]
    while pending:
        holder = pending.pop()
        block = holder.get("definitions") or {}
        subgraphs = block.get("subgraphs") if isinstance(block, dict) else None
        if subgraphs is None:
            continue
        if not isinstance(subgraphs, list):
            raise WorkflowConversionError("workflow: definitions.subgraphs must be a list")
        for index, definition in enumerate(subgraphs):
            if not isinstance(definition, dict) or not isinstance(definition.get("id"), str):
                raise WorkflowConversionError(
                    f"workflow: definitions.subgraphs[{index}] is not a subgraph with an 'id'")
            if definition["id"] not in found:
                found[definition["id"]] = definition
                pending.append(definition)
    return found


def _last_node_id(workflow: dict[str, Any]) -> int:
    state = workflow.get("state")
    value = state.get("lastNodeId") if isinstance(state, dict) else workflow.get("last_node_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def unique_inner_ids(definitions: dict[str, dict[str, Any]], root_nodes: dict[str, dict[str, Any]],
                     last_node_id: int) -> dict[str, dict[str, Any]]:
    """The frontend's ``deduplicateSubgraphNodeIds``: a subgraph node whose id is
    already used (by a root node or an earlier definition) gets the next free id, its
    links follow, so API ids (``"<instance>:<inner>"``) match ComfyUI's. Returns
    copies; the workflow is not changed."""
    used = {int(k) for k in root_nodes if k.lstrip("-").isdigit()}
    last = last_node_id
    out: dict[str, dict[str, Any]] = {}
    for subgraph_id, definition in definitions.items():
        remap: dict[str, int] = {}
        nodes = []
        for node in definition.get("nodes") or []:
            key = parse_id(node.get("id")) if isinstance(node, dict) else None
            numeric = int(key) if key is not None and key.lstrip("-").isdigit() else None
            if numeric is not None and numeric in used:
                last += 1
                while last in used:
                    last += 1
                remap[key] = last  # type: ignore[index]
                used.add(last)
                node = {**node, "id": last}
            elif numeric is not None:
                used.add(numeric)
                last = max(last, numeric)
            nodes.append(node)
        out[subgraph_id] = {**definition, "nodes": nodes, "links": _remapped_links(definition.get("links"), remap)} \
            if remap else definition
    return out


def _remapped_links(links: Any, remap: dict[str, int]) -> Any:
    if not isinstance(links, list):
        return links
    out = []
    for link in links:
        if isinstance(link, dict):
            link = {**link, "origin_id": remap.get(str(link.get("origin_id")), link.get("origin_id")),
                    "target_id": remap.get(str(link.get("target_id")), link.get("target_id"))}
        elif isinstance(link, list) and len(link) >= 5:
            link = [link[0], remap.get(str(link[1]), link[1]), link[2], remap.get(str(link[3]), link[3]), *link[4:]]
        out.append(link)
    return out


def _subgraph_scope(parent: Scope, key: str) -> Scope:
    definition = parent.definitions[parent.nodes[key]["type"]]
    subgraph_id = definition["id"]
    name = definition.get("name") or subgraph_id
    where = f"subgraph {name!r} (node {parent.api_id(key)})"
    if subgraph_id in parent.lineage:
        raise WorkflowConversionError(f"{where} contains itself")
    path = (*parent.path, key)
    return Scope(
        where=where, path=path,
        nodes=parse_nodes(definition.get("nodes", []), where, path),
        links=parse_links(definition.get("links"), where),
        definitions=parent.definitions, parent=parent, instance_key=key,
        input_node_id=_io_node_id(definition, "inputNode", SUBGRAPH_INPUT_NODE_ID),
        output_node_id=_io_node_id(definition, "outputNode", SUBGRAPH_OUTPUT_NODE_ID),
        lineage=(*parent.lineage, subgraph_id),
        input_names=tuple(i.get("name") if isinstance(i, dict) else None for i in definition.get("inputs") or []),
    )


def _io_node_id(definition: dict[str, Any], field_name: str, default: str) -> str:
    io_node = definition.get(field_name)
    found = parse_id(io_node.get("id")) if isinstance(io_node, dict) else None
    return found or default
