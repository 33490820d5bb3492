"""Planning: which nodes a run needs (the ancestors of its output nodes, through every
link including lazy ones, since their signatures depend on them), in topological
order, and each node's change fingerprint (IS_CHANGED), evaluated once per run.
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
from ..registry.blocker import ExecutionBlocker
from ..registry.env import NodeEnv
from .signature import compute_signatures

log = logging.getLogger(__name__)


@dataclass
class Plan:
    dag: nx.DiGraph
    order: list[str]
    signatures: dict[str, bytes]


def needed_dag(graph: Graph, outputs: list[str]) -> nx.DiGraph:
    dag = nx.DiGraph()
    stack, seen = list(outputs), set(outputs)
    while stack:
        node_id = stack.pop()
        dag.add_node(node_id)
        for _, link in graph.nodes[node_id].links():
            dag.add_edge(link.node, node_id)
            if link.node not in seen:
                seen.add(link.node)
                stack.append(link.node)
    return dag


async def make_plan(graph: Graph, outputs: list[str], *, env_for: Any,
                    pool: Any) -> Plan:
    """Plan a run. ``env_for(node)`` builds the NodeEnv a fingerprint hook receives;
    sync hooks run on ``pool`` (they may hash files)."""
    dag = needed_dag(graph, outputs)
    try:
        order = list(nx.topological_sort(dag))
    except nx.NetworkXUnfeasible as exc:
        raise DependencyCycleError("the graph has a dependency cycle") from exc
    fingerprints = await _fingerprints(graph, order, env_for, pool)
    return Plan(dag=dag, order=order, signatures=compute_signatures(graph, order, fingerprints))


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
