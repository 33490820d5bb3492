"""Planning: which nodes a run needs (the ancestors of its output nodes, through every
link including lazy ones, since their signatures depend on them), in topological
order, and each node's change fingerprint (IS_CHANGED), evaluated once per run.

The order comes from validation, which already walked the graph; networkx orders
graphs that arrive any other way and names cycles (see graph/validate.py). Its
generator-based sort costs ~20 µs a node, too much to pay twice per job on the hot
path.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import math
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import DependencyCycleError
from ..graph.model import Graph, Link
from ..heap import off_loop_if
from ..registry.blocker import ExecutionBlocker
from ..registry.env import NodeEnv
from .signature import compute_signatures

log = logging.getLogger(__name__)


@dataclass
class Plan:
    order: list[str]
    signatures: dict[str, bytes]


def needed(graph: Graph, outputs: list[str]) -> set[str]:
    """The outputs and every node they link to, lazily or not."""
    seen, stack = set(outputs), list(outputs)
    while stack:
        for _, link in graph.nodes[stack.pop()].links():
            if link.node not in seen:
                seen.add(link.node)
                stack.append(link.node)
    return seen


def topological(graph: Graph, wanted: set[str]) -> list[str]:
    """Order ``wanted``: validation's order when it has one (a graph always passes
    validation before it runs), networkx otherwise."""
    if graph.order:
        order = [n for n in graph.order if n in wanted]
        if len(order) == len(wanted):
            return order
    dag = nx.DiGraph()
    dag.add_nodes_from(wanted)
    dag.add_edges_from((link.node, n) for n in wanted for _, link in graph.nodes[n].links())
    try:
        return list(nx.topological_sort(dag))
    except nx.NetworkXUnfeasible as exc:
        raise DependencyCycleError("the graph has a dependency cycle") from exc


#: Nodes from which a plan's pure-Python passes run in a worker thread: a 200k-node
#: graph's walk, order and signatures held the event loop 1.2 s (measured).
LARGE_PLAN = 2000


async def make_plan(graph: Graph, outputs: list[str], *, env_for: Any, pool: Any) -> Plan:
    """Plan a run. ``env_for(node)`` builds the NodeEnv a fingerprint hook receives;
    sync hooks run on ``pool`` (they may hash files)."""
    large = len(graph.nodes) >= LARGE_PLAN
    order, hooked = await off_loop_if(large, _ordered, graph, outputs)
    fingerprints = await _fingerprints(graph, hooked, env_for, pool)  # only those: no 200k pass here
    signatures = await off_loop_if(large, compute_signatures, graph, order, fingerprints)
    return Plan(order=order, signatures=signatures)


def _ordered(graph: Graph, outputs: list[str]) -> tuple[list[str], list[str]]:
    """The run's order, and the nodes in it with a fingerprint hook."""
    order = topological(graph, needed(graph, outputs))
    return order, [n for n in order if graph.nodes[n].spec.behaviour.fingerprint is not None]


async def _fingerprints(graph: Graph, order: list[str], env_for: Any, pool: Any) -> dict[str, Any]:
    hooked = [n for n in order if graph.nodes[n].spec.behaviour.fingerprint is not None]
    if not hooked:
        return {}
    values = await asyncio.gather(*(_fingerprint(graph.nodes[n], env_for, pool) for n in hooked))
    return dict(zip(hooked, values))


async def _fingerprint(node: Any, env_for: Any, pool: Any) -> Any:
    hook = node.spec.behaviour.fingerprint
    kwargs = {k: (None if type(v) is Link else v) for k, v in node.inputs.items()}
    env: NodeEnv = env_for(node)
    try:
        if inspect.iscoroutinefunction(hook):
            value = await hook(env, kwargs)
        else:
            value = await asyncio.get_running_loop().run_in_executor(pool, hook, env, kwargs)
            if inspect.isawaitable(value):
                value = await value
    except Exception:
        log.warning("IS_CHANGED of node %s (%s) raised; it will re-run", node.id, node.class_type,
                    exc_info=True)
        return math.nan
    return None if isinstance(value, ExecutionBlocker) else value
