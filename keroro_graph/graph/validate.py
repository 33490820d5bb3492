"""Validation of an API-format graph against the registry, answering in ComfyUI's
error JSON (``error`` + ``node_errors``) so ComfyUI clients understand it.

Beyond ComfyUI: cycles are found up front and reported by name, link targets that do
not exist get a message saying so, ``"false"`` is false, and the walk is iterative
(a 10,000-node chain validates in linear time without recursion limits). Only the
outputs that pass run; the others are reported in ``node_errors``.
"""
from __future__ import annotations

import asyncio
import inspect
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import networkx as nx

from ..heap import large_work, off_loop_if
from ..registry.declared import chosen_rules
from ..registry.env import NodeEnv, Paths
from ..registry.registry import Registry
from ..registry.spec import WIDGET_TYPES
from . import checks
from .model import Graph, GraphNode, Link, is_link, unwrap_constant

#: Nodes from which a graph's validation runs partly in a thread and yields to the loop.
LARGE_GRAPH = 2000
_YIELD_EVERY = 500


@dataclass
class ValidationResult:
    graph: Graph | None
    #: Output node ids that passed and will run.
    outputs: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    node_errors: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        """The 400 body ComfyUI sends: ``{"error": {...}, "node_errors": {...}}``."""
        return {"error": self.error, "node_errors": self.node_errors}


def error_dict(type_: str, message: str, details: str = "", extra_info: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": type_, "message": message, "details": details, "extra_info": extra_info or {}}


CredentialCheck = Callable[[str, tuple[str, ...]], "str | None"]


async def validate_prompt(prompt: Any, registry: Registry, *, paths: Paths,
                          partial_targets: Iterable[str] | None = None,
                          credentials: CredentialCheck | None = None) -> ValidationResult:
    """Validate ``prompt``. Never raises for bad input: every problem is in the result.
    ``credentials(provider, names)`` returns a message when a provider node's keys
    are missing (such nodes fail before anything runs)."""
    if not isinstance(prompt, dict):
        return ValidationResult(None, error=error_dict(
            "invalid_prompt", "Prompt must be a JSON object mapping node ids to nodes",
            f"got {type(prompt).__name__}"))
    # a large graph's pure-Python passes run in a thread (it hands the GIL back every few
    # ms) and the node checks yield now and then: the event loop never waits seconds;
    # no full collection walks the graph while it is built (keroro_graph/heap.py)
    if len(prompt) >= LARGE_GRAPH:
        with large_work():
            return await _validate(prompt, registry, paths, partial_targets, credentials, large=True)
    return await _validate(prompt, registry, paths, partial_targets, credentials, large=False)


async def _validate(prompt: dict[str, Any], registry: Registry, paths: Paths, partial_targets: Iterable[str] | None,
                    credentials: CredentialCheck | None, *, large: bool) -> ValidationResult:
    parsed = await off_loop_if(large, _parse, prompt, registry, partial_targets)
    if isinstance(parsed, ValidationResult):
        return parsed
    graph, outputs = parsed
    if not outputs:
        return ValidationResult(graph, error=error_dict("prompt_no_outputs", "Prompt has no outputs"))
    return await _Validator(graph, outputs, paths, credentials).run()


def _parse(prompt: dict[str, Any], registry: Registry,
           partial_targets: Iterable[str] | None) -> tuple[Graph, list[str]] | ValidationResult:
    """The graph and the output nodes to run (each a pass over every node: in a worker
    thread for a large graph, as is _parse_nodes)."""
    parsed = _parse_nodes(prompt, registry)
    if isinstance(parsed, ValidationResult):
        return parsed
    outputs = [nid for nid, n in parsed.items() if n.spec.output_node]
    if partial_targets is not None:
        targets = {str(t) for t in partial_targets}
        outputs = [nid for nid in outputs if nid in targets]
    return Graph(nodes=parsed, source=prompt), outputs


def _parse_nodes(prompt: dict[str, Any], registry: Registry) -> dict[str, GraphNode] | ValidationResult:
    nodes: dict[str, GraphNode] = {}
    for node_id, raw in prompt.items():
        node_id = str(node_id)
        class_type = raw.get("class_type") if isinstance(raw, dict) else None
        if not isinstance(class_type, str):
            return ValidationResult(None, error=error_dict(
                "invalid_prompt", "Cannot execute because a node is missing the class_type property.",
                f"Node ID '#{node_id}'"))
        spec = registry.get(class_type)
        if spec is None:
            return ValidationResult(None, error=error_dict(
                "invalid_prompt", f"Cannot execute because node {class_type} does not exist.",
                f"Node ID '#{node_id}'", {"node_id": node_id, "class_type": class_type}))
        inputs = raw.get("inputs", {})
        if not isinstance(inputs, dict):
            return ValidationResult(None, error=error_dict(
                "invalid_prompt", "Node inputs must be a JSON object", f"Node ID '#{node_id}'"))
        meta = raw.get("_meta")
        title = meta.get("title") if isinstance(meta, dict) else None
        nodes[node_id] = GraphNode(id=node_id, spec=spec, inputs=dict(inputs), title=title)
    return nodes


class _Validator:
    def __init__(self, graph: Graph, outputs: list[str], paths: Paths,
                 credentials: CredentialCheck | None) -> None:
        self.graph = graph
        self.outputs = outputs
        self.paths = paths
        self.credentials = credentials
        self.own_errors: dict[str, list[dict[str, Any]]] = {}

    async def run(self) -> ValidationResult:
        large = len(self.graph.nodes) >= LARGE_GRAPH
        order, cyclic, unordered = await off_loop_if(large, self._order)
        for node_id, cycle in cyclic.items():
            self.own_errors[node_id] = [checks.cycle_error(cycle)]
        bad: set[str] = set(unordered)  # on a cycle, or downstream of one
        for index, node_id in enumerate(order):
            if large and index % _YIELD_EVERY == 0:
                await asyncio.sleep(0)
            node = self.graph.nodes[node_id]
            errors = await self._check_node(node)
            if errors:
                self.own_errors[node_id] = errors
                bad.add(node_id)
            elif any(link.node in bad for _, link in node.links()):
                bad.add(node_id)
        good = [o for o in self.outputs if o not in bad] if bad else self.outputs
        self.graph.order = [n for n in order if n not in bad] if bad else order
        node_errors = self._node_errors() if self.own_errors else {}
        if good:
            return ValidationResult(self.graph, outputs=good, node_errors=node_errors)
        details = "\n".join(f"{e['message']}: {e['details']}"
                            for o in self.outputs for e in self.own_errors.get(o, []))
        return ValidationResult(self.graph, error=error_dict(
            "prompt_outputs_failed_validation", "Prompt outputs failed validation", details),
            node_errors=node_errors)

    def _order(self) -> tuple[list[str], dict[str, list[str]], set[str]]:
        """Topological order of every node the outputs need (Kahn's algorithm on plain
        dicts: the hot path), the nodes on cycles (each mapped to its cycle), and every
        node that could not be ordered (on or downstream of a cycle)."""
        nodes = self.graph.nodes
        parents: dict[str, list[str]] = {}
        stack = list(self.outputs)
        while stack:
            node_id = stack.pop()
            if node_id in parents:
                continue
            ups = [v[0] for v in nodes[node_id].inputs.values() if is_link(v) and v[0] in nodes]
            parents[node_id] = ups
            stack.extend(u for u in ups if u not in parents)
        children: dict[str, list[str]] = {n: [] for n in parents}
        waiting = {n: len(ups) for n, ups in parents.items()}
        for node_id, ups in parents.items():
            for up in ups:
                children[up].append(node_id)
        order = [n for n, count in waiting.items() if count == 0]
        for node_id in order:  # the list grows while we walk it
            for child in children[node_id]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    order.append(child)
        if len(order) == len(parents):
            return order, {}, set()
        stuck = {n: ups for n, ups in parents.items() if waiting[n] > 0}
        return order, _cycles(stuck), set(stuck)

    async def _check_node(self, node: GraphNode) -> list[dict[str, Any]]:
        spec = node.spec
        errors: list[dict[str, Any]] = []
        received_types: dict[str, str] = {}
        env = NodeEnv(paths=self.paths, node_id=node.id, class_type=node.class_type,
                      prompt=self.graph.source)
        for item in spec.inputs:
            if item.section == "hidden" or item.virtual:
                continue
            if item.name not in node.inputs:
                if item.section == "required" and item.type in WIDGET_TYPES and "default" in item.options:
                    node.inputs[item.name] = item.options["default"]  # API callers may omit widgets
                elif item.section == "required":
                    errors.append(checks.missing(item.name))
                continue
            raw = node.inputs[item.name]
            if type(raw) is list and not is_link(raw):  # lists travel as {"__value__": [...]}
                errors.append(checks.bad_link(item, raw))
                continue
            if is_link(raw):
                err = self._check_link(node, item.name, item, raw, received_types)
            else:
                err = self._check_constant(node, item, raw, env)
            if err:
                errors.append(err)
        errors.extend(self._check_undeclared_links(node, received_types))
        credentials = self.credentials
        chosen = spec.provider_for(node.inputs) if credentials is not None else None
        if credentials is not None and chosen is not None:
            missing = credentials(*chosen)
            if missing:
                errors.append(checks.missing_credentials(chosen[0], missing))
        for need in spec.requires if credentials is not None else ():
            missing = credentials(need, ()) if credentials is not None else None
            if missing:
                errors.append(checks.missing_credentials(need, missing))
        if not errors and spec.behaviour.validate is not None:
            errors.extend(await self._custom(node, received_types, env))
        return errors

    def _check_link(self, node: GraphNode, name: str, item: Any, raw: list[Any],
                    received_types: dict[str, str]) -> dict[str, Any] | None:
        source_id, slot = raw[0], int(raw[1])
        source = self.graph.nodes.get(source_id)
        if source is None:
            return checks.missing_source(name, item, raw)
        if not 0 <= slot < len(source.spec.outputs):
            return checks.bad_slot(name, item, raw, source)
        received = source.spec.outputs[slot].type
        received_types[name] = received
        node.inputs[name] = Link(source_id, slot)
        if item is not None and not node.spec.behaviour.validate_wants_types:
            if not checks.link_types_match(received, item):
                return checks.type_mismatch(name, item, received, raw)
        return None

    def _check_undeclared_links(self, node: GraphNode,
                                received_types: dict[str, str]) -> list[dict[str, Any]]:
        errors = []
        for name, raw in list(node.inputs.items()):
            if node.spec.input(name) is not None:
                continue
            if is_link(raw):
                err = self._check_link(node, name, None, raw, received_types)
                if err:
                    errors.append(err)
            elif not node.spec.accept_all_inputs:
                del node.inputs[name]  # undeclared constants never reach the node
        return errors

    def _check_constant(self, node: GraphNode, item: Any, raw: Any,
                        env: NodeEnv) -> dict[str, Any] | None:
        value = unwrap_constant(raw)
        if item.parent is not None:  # a dynamic combo's sub-input: the chosen option's rules
            parent = node.spec.input(item.parent)
            chosen = node.inputs.get(item.parent)
            if parent is not None and not is_link(chosen) and type(chosen) is not Link:
                item = chosen_rules(parent, chosen, item)
        names = node.spec.behaviour.validate_names
        skip_ranges = node.spec.behaviour.validate is not None and (names is None or item.name in names)
        try:
            value = checks.coerce(item, value)
        except (TypeError, ValueError) as exc:
            return checks.invalid_type(item, value, exc)
        node.inputs[item.name] = value
        if skip_ranges:
            return None
        return checks.range_or_choice(item, value, env)

    async def _custom(self, node: GraphNode, received_types: dict[str, str],
                      env: NodeEnv) -> list[dict[str, Any]]:
        behaviour = node.spec.behaviour
        validate = behaviour.validate
        assert validate is not None, "the caller checked"
        names = behaviour.validate_names
        kwargs = {k: (None if type(v) is Link else v) for k, v in node.inputs.items()
                  if names is None or k in names}
        if names is not None:
            for name in names:
                kwargs.setdefault(name, None)
        if behaviour.validate_wants_types:
            kwargs["input_types"] = received_types
        try:
            result = validate(env, kwargs)
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:
            return [checks.validation_exception(exc, traceback.format_exc())]
        if result is True or _is_blocker(result):
            return []
        passed = [k for k in kwargs if k != "input_types"] or list(received_types) or [""]
        return [checks.custom_failed(name, result) for name in passed]

    def _node_errors(self) -> dict[str, Any]:
        dependents: dict[str, list[str]] = {n: [] for n in self.own_errors}
        for output in self.outputs:
            for node_id in _ancestors_and_self(self.graph, output):
                if node_id in dependents:
                    dependents[node_id].append(output)
        return {node_id: {"errors": errors, "dependent_outputs": dependents[node_id],
                          "class_type": self.graph.nodes[node_id].class_type}
                for node_id, errors in self.own_errors.items()}


def _cycles(stuck: dict[str, list[str]]) -> dict[str, list[str]]:
    """Among nodes Kahn's algorithm could not order (on or below a cycle), find the
    cycles and map each member to its cycle, in link order."""
    dag = nx.DiGraph()
    for node_id, ups in stuck.items():
        dag.add_node(node_id)
        dag.add_edges_from((u, node_id) for u in ups if u in stuck)
    cyclic: dict[str, list[str]] = {}
    for component in nx.strongly_connected_components(dag):
        if len(component) > 1 or any(dag.has_edge(n, n) for n in component):
            cycle = [u for u, _ in nx.find_cycle(dag.subgraph(component))]
            for node_id in component:
                cyclic[node_id] = cycle
    return cyclic


def _ancestors_and_self(graph: Graph, start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for value in graph.nodes[stack.pop()].inputs.values():
            source = value.node if type(value) is Link else (value[0] if is_link(value) else None)
            if source in graph.nodes and source not in seen:
                seen.add(source)
                stack.append(source)
    return seen


def _is_blocker(value: Any) -> bool:
    from ..registry.blocker import ExecutionBlocker
    return isinstance(value, ExecutionBlocker)

