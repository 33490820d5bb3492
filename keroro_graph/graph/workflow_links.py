"""Where a UI-workflow input really gets its value: link resolution across the
canvas-only constructs the API graph does not have.

Follows the ComfyUI frontend's ``ExecutableNodeDTO.resolveInput``/``resolveOutput``:
Reroutes pass through, a PrimitiveNode becomes a constant, a bypassed node hands over
its input of a matching type, and subgraph instances are entered through their
output node and left through their input node (or a promoted widget value). The
result is an ``Origin`` (an API node id and output slot), a ``Constant``, or None when
nothing is connected. This module knows scopes, not widgets or the registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import WorkflowConversionError
from ..registry import types_compatible
from .workflow_scope import MODE_BYPASSED, MODE_MUTED, VIRTUAL_TYPES, Scope, UILink, parse_id
from .workflow_widgets import CONTROL_MODES


@dataclass(frozen=True, slots=True)
class Origin:
    """A link source in the API graph: node id and output slot."""

    node_id: str
    slot: int


@dataclass(frozen=True, slots=True)
class Constant:
    """A value written in place of a link (PrimitiveNode, promoted subgraph widget)."""

    value: Any
    #: From a PrimitiveNode: the frontend copies it into the widget the primitive is
    #: linked to directly, so through a Reroute it reaches nothing.
    from_primitive: bool = False


Resolved = Origin | Constant | None
_Seen = set[tuple[str, str, int]]


def resolve_input(scope: Scope, key: str, index: int, *, want: str | None = None,
                  seen: _Seen | None = None) -> Resolved:
    """Resolve input ``index`` of node ``key``. ``want`` is the type the final consumer
    expects (it steers bypass matching); it defaults to this input's own type. Raises
    WorkflowConversionError for links that are missing or circular."""
    seen = set() if seen is None else seen
    _visit(seen, scope, key, side="input", slot=index)
    entry = (scope.nodes[key].get("inputs") or [])[index]
    if entry.get("link") is None:
        return None
    link = scope.links.get(str(parse_id(entry["link"])))
    if link is None:
        raise WorkflowConversionError(
            f"{scope.describe(key)}: input {entry['name']!r} uses link {entry['link']}, "
            f"which is not in the {scope.where} links list")
    want = want if want is not None else _slot_type(entry)
    if link.origin_id == scope.input_node_id and scope.parent is not None:
        return _leave_subgraph(scope, link.origin_slot, seen)
    if link.origin_id not in scope.nodes:
        raise WorkflowConversionError(
            f"{scope.describe(key)}: input {entry['name']!r} is linked from node "
            f"{scope.api_id(link.origin_id)}, which is not in the {scope.where}")
    return resolve_output(scope, link.origin_id, link.origin_slot, want=want, seen=seen)


def resolve_output(scope: Scope, key: str, slot: int, *, want: str, seen: _Seen) -> Resolved:
    """What a consumer of output ``slot`` of node ``key`` really receives."""
    _visit(seen, scope, key, side="output", slot=slot)
    node = scope.nodes[key]
    if node["type"] in VIRTUAL_TYPES:
        return _through_virtual(scope, key, want=want, seen=seen)
    if node.get("mode") == MODE_BYPASSED:
        index = bypass_input_index(node, slot, want)
        return None if index is None else resolve_input(scope, key, index, seen=seen)
    if scope.is_subgraph(key) and node.get("mode") != MODE_MUTED:
        return _enter_subgraph(scope.subgraph(key), slot, want=want, seen=seen)
    # A muted node resolves to itself; the converter drops links to absent nodes.
    return Origin(scope.api_id(key), slot)


def bypass_input_index(node: dict[str, Any], slot: int, want: str) -> int | None:
    """The input a bypassed node passes to consumers of output ``slot``: the input at the
    same index if it fits, else the first of exactly the wanted type, else the first
    compatible one (the frontend's ``#getBypassSlotIndex``)."""
    inputs = node.get("inputs") or []
    if not inputs:
        return None
    if want in ("*", ""):
        return slot if slot < len(inputs) else 0
    outputs = node.get("outputs") or []
    out_type = _slot_type(outputs[slot]) if slot < len(outputs) else want
    types = [_slot_type(i) for i in inputs]
    if slot < len(types) and _fits(types[slot], out_type) and _fits(types[slot], want):
        return slot
    for index, input_type in enumerate(types):
        if input_type == want:
            return index
    for index, input_type in enumerate(types):
        if _fits(input_type, out_type) and _fits(input_type, want):
            return index
    return None


def _through_virtual(scope: Scope, key: str, *, want: str, seen: _Seen) -> Resolved:
    node = scope.nodes[key]
    if node["type"] == "PrimitiveNode":
        values = node.get("widgets_values")
        if isinstance(values, list) and values and values[0] is not None:
            return Constant(values[0], from_primitive=True)
        return None
    if node["type"] == "Reroute" and node.get("inputs"):
        found = resolve_input(scope, key, 0, want=want, seen=seen)
        return None if isinstance(found, Constant) and found.from_primitive else found
    return None


def _enter_subgraph(inner: Scope, slot: int, *, want: str, seen: _Seen) -> Resolved:
    """Follow output ``slot`` of an instance to the inner node feeding its output node."""
    link = _first_link_into_output(inner, slot)
    if link is None:
        return None
    if link.origin_id == inner.input_node_id:
        return _leave_subgraph(inner, link.origin_slot, seen)
    if link.origin_id not in inner.nodes:
        raise WorkflowConversionError(
            f"{inner.where}: output {slot} is linked from node {inner.api_id(link.origin_id)}, "
            "which is not in the subgraph")
    return resolve_output(inner, link.origin_id, link.origin_slot, want=want, seen=seen)


def _leave_subgraph(inner: Scope, index: int, seen: _Seen) -> Resolved:
    """Follow subgraph input ``index`` out to the instance node's input in the parent.
    The instance's inputs match the definition's by name (as the frontend rebuilds
    them); an input the instance did not save is unconnected and has no value."""
    parent, key, instance = inner.parent, inner.instance_key, inner.instance
    assert parent is not None and key is not None and instance is not None
    inputs = instance.get("inputs") or []
    found = _instance_input(inner, inputs, index)
    if found is None:
        return None
    if inputs[found].get("link") is None:
        return _promoted_value(instance, found)
    return resolve_input(parent, key, found, seen=seen)


def _instance_input(inner: Scope, inputs: list[dict[str, Any]], index: int) -> int | None:
    name = inner.input_names[index] if index < len(inner.input_names) else None
    if name is not None:
        found = [i for i, entry in enumerate(inputs) if entry.get("name") == name]
        if found:
            return index if index in found else found[0]
        if index < len(inner.input_names):
            return None
    if index >= len(inputs):
        raise WorkflowConversionError(
            f"{inner.where}: subgraph input {index} has no matching input on the instance node")
    return index


def _promoted_value(instance: dict[str, Any], index: int) -> Resolved:
    """The instance's own value for a subgraph input promoted to a widget, if saved."""
    inputs = instance.get("inputs") or []
    entry = inputs[index]
    saved = instance.get("widgets_values")
    if not isinstance(entry.get("widget"), dict) or not saved:
        return None
    if isinstance(saved, dict):
        value = saved.get(entry["name"])
        return None if value is None else Constant(value)
    if not isinstance(saved, list):
        return None
    promoted = [i for i, item in enumerate(inputs) if isinstance(item.get("widget"), dict)]
    # Older frontends also saved the seed control mode after a promoted value.
    has_controls = len(saved) > len(promoted)
    pos = 0
    for position in promoted:
        if pos >= len(saved):
            return None
        if position == index:
            return None if saved[pos] is None else Constant(saved[pos])
        pos += 1
        if has_controls and pos < len(saved) and _is_control_mode(saved[pos]):
            pos += 1
    return None


def _is_control_mode(value: Any) -> bool:
    return isinstance(value, str) and value in CONTROL_MODES


def _first_link_into_output(inner: Scope, slot: int) -> UILink | None:
    for link in inner.links.values():
        if link.target_id == inner.output_node_id and link.target_slot == slot:
            return link
    return None


def _visit(seen: _Seen, scope: Scope, key: str, *, side: str, slot: int) -> None:
    mark = (scope.api_id(key), side, slot)
    if mark in seen:
        raise WorkflowConversionError(
            f"{scope.describe(key)}: its links go round in a circle (through reroutes, "
            "bypassed nodes or subgraphs)")
    seen.add(mark)


def _slot_type(slot: dict[str, Any]) -> str:
    value = slot.get("type")
    return "*" if value in (None, "", 0) else str(value)


def _fits(a: str, b: str) -> bool:
    """The frontend's ``isValidConnection``: case-insensitive, ``*`` and unions allowed."""
    return types_compatible(a.upper(), b.upper())
