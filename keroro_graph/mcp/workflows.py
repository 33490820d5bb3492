"""Graphs for the MCP tools: fetch a saved workflow or take the caller's JSON, turn
it into an API graph through the server (``POST /api/workflows/convert``, so UI
workflows convert with the server's registry), apply ``"NODE.INPUT"`` overrides
(the CLI's ``apply_overrides``, after checking the node and input exist), list the
inputs a caller may override, and put the server's validation ``node_errors`` into
words an assistant can act on. Talks to the server only through KeroroClient."""
from __future__ import annotations

import copy
import difflib
import json
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError

from ..graph.overrides import UsageError, apply_overrides
from .client import KeroroClient, ServerAnswerError, segment


@dataclass
class ResolvedGraph:
    """An API graph ready to submit, and what it came from."""

    graph: dict[str, Any]
    source: str
    #: Saved into output PNGs as ComfyUI does (a UI workflow travels as "workflow").
    extra_pnginfo: dict[str, Any] = field(default_factory=dict)


async def resolve_graph(client: KeroroClient, *, workflow: str | None, graph: Any) -> ResolvedGraph:
    """The API graph of saved workflow ``workflow`` or of ``graph`` (API graph, POST
    /prompt body or UI workflow). Raises ToolError when neither or both are given,
    the name is unknown, or the document does not convert."""
    if (workflow is None) == (graph is None):
        raise ToolError("give either 'workflow' (a saved workflow's name; see list_workflows) "
                        "or 'graph' (an API graph or UI workflow as JSON), not both")
    if isinstance(graph, str):
        graph = _parse_json(graph)
    source = "graph JSON"
    doc = graph
    if workflow is not None:
        doc, source = await _saved(client, workflow), f"saved workflow {workflow!r}"
    try:
        answer = await client.post("/api/workflows/convert", json_body=doc)
    except ServerAnswerError as exc:
        raise ToolError(f"{source} cannot be run: {exc}") from exc
    pnginfo = {"workflow": doc} if isinstance(doc, dict) and isinstance(doc.get("nodes"), list) else {}
    return ResolvedGraph(graph=answer["prompt"], source=source, extra_pnginfo=pnginfo)


async def _saved(client: KeroroClient, name: str) -> Any:
    try:
        return await client.get(f"/api/workflows/{segment(name)}")
    except ServerAnswerError as exc:
        if exc.status != 404:
            raise
        names = [w["name"] for w in (await client.get("/api/workflows")).get("workflows", [])]
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"did you mean {', '.join(repr(n) for n in close)}? " if close else ""
        listing = ", ".join(repr(n) for n in names[:20]) or "none yet"
        raise ToolError(f"no saved workflow named {name!r}; {hint}saved workflows: {listing}. "
                        "Templates (list_templates / get_template) can be run by passing their JSON "
                        "as 'graph'.") from exc


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ToolError(f"'graph' is not valid JSON: {exc}") from exc


def with_overrides(graph: dict[str, Any], overrides: dict[str, Any] | None,
                   object_info: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``graph`` with ``{"NODE.INPUT": value}`` applied (NODE is a node id
    or a unique title). Raises ToolError naming the bad key and the valid choices."""
    graph = copy.deepcopy(graph)
    for key, value in (overrides or {}).items():
        node_ref, dot, input_name = key.rpartition(".")
        if not dot or not node_ref or not input_name:
            raise ToolError(f"override {key!r}: keys look like 'NODE.INPUT' (node id or title, then the "
                            "input name), e.g. {\"3.seed\": 42}; describe_workflow lists them")
        node_id = _node_id(graph, node_ref, key)
        _check_input(graph[node_id], node_id, input_name, object_info, key)
        try:
            apply_overrides(graph, [f"{node_id}.{input_name}={json.dumps(value)}"])
        except UsageError as exc:  # the checks above make this unreachable in practice
            raise ToolError(f"override {key!r}: {str(exc).split(': ', 1)[-1]}") from exc
    return graph


def _node_id(graph: dict[str, Any], ref: str, key: str) -> str:
    if ref in graph:
        return ref
    titled = [nid for nid, node in graph.items() if (node.get("_meta") or {}).get("title") == ref]
    if len(titled) == 1:
        return titled[0]
    if titled:
        raise ToolError(f"override {key!r}: the title {ref!r} belongs to nodes {', '.join(titled)}; "
                        "use the node id instead")
    nodes = "; ".join(f"{nid} ({_label(node)})" for nid, node in graph.items())
    raise ToolError(f"override {key!r}: no node with id or title {ref!r}. The nodes are: {nodes}")


def _check_input(node: dict[str, Any], node_id: str, name: str, object_info: dict[str, Any], key: str) -> None:
    info = object_info.get(node.get("class_type", ""))
    if info is None or name in node.get("inputs", {}):
        return
    known = [n for section in ("required", "optional") for n in info.get("input", {}).get(section, {})]
    if name not in known:
        raise ToolError(f"override {key!r}: node {node_id} ({_label(node)}) has no input {name!r}; "
                        f"its inputs are {', '.join(known) or 'none'}")


def _label(node: dict[str, Any]) -> str:
    title = (node.get("_meta") or {}).get("title")
    kind = node.get("class_type", "?")
    return f"{kind} {title!r}" if title and title != kind else kind


def is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int)


def overridable_inputs(graph: dict[str, Any], object_info: dict[str, Any]) -> list[dict[str, Any]]:
    """Every input holding a value (not a link): the override key, node id, title,
    class type, input name, type, current value and the options that bound it."""
    found = []
    for node_id, node in graph.items():
        info = object_info.get(node.get("class_type", ""), {})
        specs = {**info.get("input", {}).get("required", {}), **info.get("input", {}).get("optional", {})}
        for name, value in node.get("inputs", {}).items():
            if is_link(value):
                continue
            found.append({"key": f"{node_id}.{name}", "node_id": node_id,
                          "title": (node.get("_meta") or {}).get("title"),
                          "class_type": node.get("class_type"), "input": name, "value": value,
                          **input_type(specs.get(name))})
    return found


def input_type(spec: Any) -> dict[str, Any]:
    """``{"type", ...options}`` from an /object_info input entry."""
    if not isinstance(spec, list) or not spec:
        return {"type": "unknown"}
    options = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
    if isinstance(spec[0], list):
        return {"type": "COMBO", "choices": spec[0][:50]}
    keep = {k: options[k] for k in ("default", "min", "max", "step", "multiline", "tooltip") if k in options}
    return {"type": spec[0], **keep}


def validation_text(body: Any, graph: dict[str, Any]) -> str:
    """ComfyUI's ``{"error", "node_errors"}`` as lines naming node, input and fix."""
    body = body if isinstance(body, dict) else {}
    error = body.get("error") or {}
    head = error.get("message", "the graph did not validate") if isinstance(error, dict) else str(error)
    if isinstance(error, dict) and error.get("details"):
        head += f": {error['details']}"
    lines = [f"The server refused the graph: {head}."]
    for node_id, entry in (body.get("node_errors") or {}).items():
        for item in entry.get("errors", []):
            lines.append("- " + _node_error(node_id, entry, item, graph))
    if len(lines) > 1:
        lines.append("Fix the named inputs (overrides {\"NODE.INPUT\": value}) and run again; "
                     "describe_workflow lists each input's type and limits.")
    return "\n".join(lines)


def _node_error(node_id: str, entry: dict[str, Any], item: dict[str, Any], graph: dict[str, Any]) -> str:
    extra = item.get("extra_info") or {}
    name = extra.get("input_name")
    where = f"node {node_id} ({_label(graph.get(node_id) or {'class_type': entry.get('class_type')})})"
    text = f"{where} input {name!r}: {item.get('message')}" if name else f"{where}: {item.get('message')}"
    if "received_value" in extra:
        expected = _describe_config(extra.get("input_config"))
        text += f" (got {extra['received_value']!r}" + (f"; expected {expected})" if expected else ")")
    if item.get("details") and (item.get("type") == "value_not_in_list" or not name):
        text += f": {item['details']}"
    if item.get("type") == "missing_credentials":
        provider = extra.get("provider") or item.get("details") or "<provider>"
        text += (f" — store the key with set_provider_key(provider={provider!r}, value=...); "
                 "get_settings shows which credentials each provider needs")
    return text


def _describe_config(config: Any) -> str | None:
    kind = input_type(config)
    if kind["type"] in ("COMBO", "unknown"):
        return "one of " + ", ".join(repr(c) for c in kind["choices"][:20]) if "choices" in kind else None
    bounds = [f"{k} {kind[k]}" for k in ("min", "max") if k in kind]
    return str(kind["type"]) + (f" ({', '.join(bounds)})" if bounds else "")
