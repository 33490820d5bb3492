"""Estimates: what a validated graph will cost before it runs.

For every paid node the outputs need: the price of one call from its constant inputs
(``PriceBook.quote``), times the number of calls list mapping will make (a batch
node upstream says how many items it yields), less the calls the paid-result store or
the output cache will serve. An input the price needs that arrives through a link,
a batch whose size cannot be told, or a missing table row makes the node "unknown"
(never 0), and the whole estimate then says which nodes are unknown.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from ..graph.model import Graph, GraphNode, Link
from ..registry.env import NodeEnv, Paths
from .prices import PriceBook, Quote

log = logging.getLogger(__name__)

#: ``(node_id, calls) -> calls already paid for`` (store or cache hits).
Served = Callable[[str, int], int]


@dataclass(frozen=True, slots=True)
class NodeCost:
    quote: Quote  # one call
    calls: int | None  # None: unknown (a batch of unknown size upstream)
    served: int  # calls the store or cache will serve for nothing

    @property
    def amount(self) -> Decimal | None:
        if self.quote.amount is None or self.calls is None:
            return None
        return self.quote.amount * (self.calls - self.served)

    def as_json(self) -> dict[str, Any]:
        basis = self.quote.basis
        if self.calls is None:
            basis = f"unknown: the number of items reaching this node is not known; {basis}"
        elif self.calls != 1 or self.served:
            basis += f"; {self.calls} calls" + (f", {self.served} served from the store" if self.served else "")
        amount = self.amount
        return {"provider": self.quote.provider, "currency": self.quote.currency,
                "amount": None if amount is None else float(amount), "basis": basis,
                "calls": self.calls, "stored": self.served,
                "unit_amount": None if self.quote.amount is None else float(self.quote.amount)}


@dataclass
class Estimate:
    nodes: dict[str, NodeCost] = field(default_factory=dict)

    @property
    def total(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for cost in self.nodes.values():
            amount = cost.amount
            if amount is not None and cost.quote.currency:
                totals[cost.quote.currency] = totals.get(cost.quote.currency, Decimal(0)) + amount
        return totals

    @property
    def unknown(self) -> list[str]:
        return sorted(n for n, c in self.nodes.items() if c.amount is None)

    def as_json(self) -> dict[str, Any]:
        return {"total": {cur: float(v) for cur, v in sorted(self.total.items())},
                "nodes": {n: c.as_json() for n, c in self.nodes.items()},
                "unknown": self.unknown}


def estimate(graph: Graph, order: list[str], prices: PriceBook, *, paths: Paths,
             served: Served | None = None) -> Estimate:
    """The estimate of the nodes in ``order`` (topological, the ones the outputs need)."""
    result = Estimate()
    items: dict[str, int | None] = {}
    for node_id in order:
        node = graph.nodes[node_id]
        calls = _calls(node, items)
        items[node_id] = _produced(node, calls, paths)
        if not node.spec.paid:
            continue
        constants = {k: v for k, v in node.inputs.items() if type(v) is not Link}
        price = node.spec.price
        for name in price.unknown_if if price is not None else ():
            if name in node.inputs:  # connected: its value comes at run time, but it is given
                constants.setdefault(name, True)
        quote = prices.quote(node.spec.price, constants)
        done = served(node_id, calls) if served is not None and calls is not None else 0
        result.nodes[node_id] = NodeCost(quote=quote, calls=calls, served=done)
    return result


def _calls(node: GraphNode, items: dict[str, int | None]) -> int | None:
    """How many times list mapping will call the node (ComfyUI: the longest input list)."""
    if node.spec.input_is_list:
        return 1
    longest = 1
    for _, link in node.links():
        count = items.get(link.node, 1)
        if count is None:
            return None
        longest = max(longest, count)
    return longest


def _produced(node: GraphNode, calls: int | None, paths: Paths) -> int | None:
    """Items in the node's output lists."""
    if not any(o.is_list for o in node.spec.outputs):
        return calls
    hook = node.spec.behaviour.extra.get("items")
    if hook is None or any(True for _ in node.links()):
        return None
    env = NodeEnv(paths=paths, node_id=node.id, class_type=node.class_type)
    try:
        count = hook(env, dict(node.inputs))
    except Exception:  # a batch that cannot be counted yet is "unknown", validation names why
        log.debug("items hook of %s raised", node.id, exc_info=True)
        return None
    return int(count) if isinstance(count, int) and count >= 0 else None
