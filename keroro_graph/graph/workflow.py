"""Workflow documents in, API graphs out: recognises the three shapes a user may hand
us (an API graph, a ``POST /prompt`` body wrapping one, a UI workflow saved from the
canvas, version 0.4 or 1) and converts UI workflows the way the ComfyUI frontend's
``graphToPrompt`` does: virtual nodes vanish, muted nodes are dropped, bypassed nodes
are wired around, subgraphs are flattened into ``"<instance>:<inner>"`` ids, and each
node's saved widget values become named inputs. The document's shape lives in
``workflow_scope``, link resolution in ``workflow_links``, widget order in
``workflow_widgets``. This module needs a Registry to know each node's widgets; it
knows nothing of validation or execution.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, cast

from ..errors import GraphFormatError, WorkflowConversionError
from ..registry import NodeSpec, Registry
from .workflow_links import Constant, Origin, resolve_input
from .workflow_scope import MODE_BYPASSED, MODE_MUTED, VIRTUAL_TYPES, Scope, root_scope
from .workflow_widgets import widget_inputs, wrap_value

__all__ = ["extract_graph", "is_api_prompt", "is_ui_workflow", "workflow_to_prompt"]

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_GROUP_NODE_PREFIXES = ("workflow>", "workflow/")


def is_ui_workflow(doc: Any) -> bool:
    """True for a canvas workflow (any version): an object with a ``nodes`` list."""
    return isinstance(doc, dict) and isinstance(doc.get("nodes"), list)


def is_api_prompt(doc: Any) -> bool:
    """True for an API graph (node id → ``{class_type, inputs}``), bare or wrapped in a
    ``POST /prompt`` body (``{"prompt": {...}, ...}``)."""
    if not isinstance(doc, dict):
        return False
    return _is_api_graph(doc) or _is_api_graph(doc.get("prompt"))


def extract_graph(doc: Any, registry: Registry) -> dict[str, Any]:
    """The API graph inside ``doc``, whichever of the three shapes it has. An API graph
    is returned as is (not copied); a UI workflow is converted.

    Raises WorkflowConversionError when a UI workflow cannot be converted, and
    GraphFormatError when ``doc`` is none of the three shapes."""
    if is_ui_workflow(doc):
        return workflow_to_prompt(doc, registry)
    wrapped = doc.get("prompt") if isinstance(doc, dict) else None
    if isinstance(wrapped, dict) and "class_type" not in wrapped:
        if is_ui_workflow(wrapped):
            return workflow_to_prompt(wrapped, registry)
        if not _is_api_graph(wrapped):
            raise GraphFormatError(f"the \"prompt\" of this request body is not a graph: {_not_a_graph(wrapped)}")
        return wrapped
    if _is_api_graph(doc):
        return cast("dict[str, Any]", doc)
    raise GraphFormatError(_not_a_graph(doc))


def workflow_to_prompt(workflow: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """Convert a UI workflow into an API graph
    ``{"<id>": {"class_type", "inputs", "_meta": {"title"}}}``.

    Raises WorkflowConversionError, naming the node and what is wrong, for unknown
    node types, malformed nodes or links, and widget values that do not line up."""
    root = root_scope(workflow)
    prompt: dict[str, Any] = {}
    for scope, key in _executable_nodes(root):
        prompt[scope.api_id(key)] = _convert_node(scope, key, registry)
    _drop_links_to_absent_nodes(prompt)
    return prompt


def _executable_nodes(scope: Scope) -> Iterator[tuple[Scope, str]]:
    """Nodes that become API nodes, depth first through subgraph instances."""
    for key, node in scope.nodes.items():
        if node["type"] in VIRTUAL_TYPES or node.get("mode") in (MODE_MUTED, MODE_BYPASSED):
            continue
        if scope.is_subgraph(key):
            yield from _executable_nodes(scope.subgraph(key))
        else:
            yield scope, key


def _convert_node(scope: Scope, key: str, registry: Registry) -> dict[str, Any]:
    node = scope.nodes[key]
    spec = registry.get(node["type"])
    if spec is None:
        raise WorkflowConversionError(_unknown_type(scope, key))
    inputs = widget_inputs(node, spec, where=scope.describe(key))
    for index, entry in enumerate(node.get("inputs") or []):
        resolved = resolve_input(scope, key, index)
        if isinstance(resolved, Origin):
            inputs[entry["name"]] = [resolved.node_id, resolved.slot]
        elif isinstance(resolved, Constant):
            inputs[entry["name"]] = wrap_value(resolved.value)
    return {"class_type": spec.class_type, "inputs": inputs, "_meta": {"title": _title(node, spec)}}


def _title(node: dict[str, Any], spec: NodeSpec) -> str:
    title = node.get("title")
    return title if isinstance(title, str) and title else spec.display_name


def _drop_links_to_absent_nodes(prompt: dict[str, Any]) -> None:
    """Inputs linked to muted (or otherwise absent) nodes are deleted, as ComfyUI does."""
    for node in prompt.values():
        inputs = node["inputs"]
        for name in [n for n, v in inputs.items() if _is_link(v) and v[0] not in prompt]:
            del inputs[name]


def _unknown_type(scope: Scope, key: str) -> str:
    kind = scope.nodes[key]["type"]
    where = f"node {scope.api_id(key)}"
    if _UUID.match(kind):
        return f"{where} is a subgraph ({kind}) whose definition is missing from the workflow"
    if kind.startswith(_GROUP_NODE_PREFIXES):
        return (f"{where} is a legacy group node ({kind!r}), which is not supported; "
                "convert it to a subgraph in ComfyUI and save again")
    return f"{where} uses unknown node type {kind!r} (is its pack installed?)"


def _is_api_graph(doc: Any) -> bool:
    return (isinstance(doc, dict) and bool(doc)
            and all(isinstance(n, dict) and isinstance(n.get("class_type"), str) for n in doc.values()))


def _is_link(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], int) and not isinstance(value[1], bool))


def _not_a_graph(doc: Any) -> str:
    expected = ("expected an API graph ({\"<id>\": {\"class_type\": ..., \"inputs\": {...}}}), "
                "a POST /prompt body ({\"prompt\": {...}}) or a UI workflow (with a \"nodes\" list)")
    if not isinstance(doc, dict):
        return f"the document is a JSON {type(doc).__name__}; {expected}"
    if not doc:
        return f"the document is empty; {expected}"
    bad = next((k for k, n in doc.items() if not (isinstance(n, dict) and "class_type" in n)), None)
    return f"the document is not a graph (entry {bad!r} has no class_type); {expected}"
