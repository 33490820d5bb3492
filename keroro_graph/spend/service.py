"""Spend: the one object the server, the CLI and the job service use for costs — the
price book, the paid-result store (handed to the engine), estimates of a prompt, the
budget guard at admission (reserve on submit, settle when the job ends), and the
ledger fed from the event bus. Ledger I/O runs on one worker thread, never on the loop.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

from ..engine.engine import Engine
from ..engine.events import Event, JobCancelled, JobQueued, JobRecorded, NodeStored, PaidCallMade
from ..engine.plan import make_plan
from ..graph.model import Graph
from ..graph.validate import LARGE_GRAPH, error_dict
from ..heap import off_loop_if
from ..registry.env import NodeEnv
from ..registry.registry import Registry
from .budget import BudgetError, check_admission, parse_budget
from .estimate import Estimate, estimate
from .ledger import SUCCEEDED, Charge, Ledger
from .prices import PriceBook
from .store import PaidStore

log = logging.getLogger(__name__)
#: A reservation whose job the store does not know is given back after this long.
_UNKNOWN_GRACE_S = 60.0


T = TypeVar("T")

class Spend:
    def __init__(self, *, registry: Registry, engine: Engine, prices: PriceBook, store: PaidStore | None,
                 ledger_path: Path | str, sole_owner: bool = False,
                 job_status: Callable[[str], Awaitable[Any]] | None = None,
                 is_relayed: Callable[[Event], bool] | None = None) -> None:
        self.registry, self.engine, self.prices, self.store = registry, engine, prices, store
        self.ledger = Ledger(ledger_path)
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keroro-spend")
        self._pending: set[asyncio.Future[Any]] = set()
        #: Counters for /api/metrics: (provider, currency) → amount of succeeded calls and
        #: of accepted calls without a result (the provider may charge them); store hits.
        self.spent: dict[tuple[str, str], Decimal] = {}
        self.maybe_charged: dict[tuple[str, str], Decimal] = {}
        self.store_hits = 0
        #: With a shared queue: events relayed from other processes are theirs to record.
        self.is_relayed: Callable[[Event], bool] = is_relayed or (lambda _event: False)
        #: ``async (job_id) -> JobStatus | None``: reservations of jobs that ended without
        #: an event here (removed from the queue, died elsewhere) go.
        self.job_status = job_status
        #: True when no other process reserves in this ledger (it lives in the embedded
        #: job store's file, which one process owns): then only the jobs reserved here,
        #: now or before a restart, have a reservation to settle when they end.
        self.sole_owner = sole_owner
        self._reserved: set[str] = {job_id for job_id, _ in self.ledger.reserved_ids()}
        #: Jobs reserved here that reached the job store (JobQueued seen).
        self._queued: set[str] = set(self._reserved)

    async def close(self) -> None:
        await self.flush()
        self._io.shutdown(wait=True)
        self.ledger.close()

    async def flush(self) -> None:
        """Wait for ledger writes already queued (tests and shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._io, fn, *args)

    def _background(self, fn: Callable[..., Any], *args: Any) -> None:
        future = asyncio.get_running_loop().run_in_executor(self._io, fn, *args)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    # --- estimates ----------------------------------------------------------------------
    async def estimate(self, graph: Graph, outputs: list[str], *, extra_data: dict[str, Any] | None = None
                       ) -> Estimate:
        """The estimate of a validated graph, store and cache hits counted as 0."""
        def env_for(node: Any) -> NodeEnv:
            return NodeEnv(paths=self.engine.paths, node_id=node.id, class_type=node.class_type,
                           prompt=graph.source, extra_data=extra_data or {})
        plan = await make_plan(graph, outputs, env_for=env_for, pool=self.engine.pool)
        cache, store = self.engine.cache, self.store

        def served(node_id: str, calls: int) -> int:
            sig = plan.signatures[node_id]
            if sig in cache:
                return calls
            if store is None or not graph.nodes[node_id].spec.store_results:
                return 0
            return sum(1 for i in range(calls) if store.has_alias(store.key(sig, i)))
        return estimate(graph, plan.order, self.prices, paths=self.engine.paths, served=served)

    # --- the budget guard ---------------------------------------------------------------
    async def admit(self, job_id: str, graph: Graph, outputs: list[str], extra_data: dict[str, Any]
                    ) -> dict[str, Any] | None:
        """None to admit (a reservation is held until the job ends), or the refusal:
        ``{"error": {...type budget_exceeded...}, "node_errors": {...}}``."""
        def paid() -> bool:
            return any(node.spec.paid for node in graph.nodes.values())
        # a 200k-node graph takes tens of ms to look through: not on the event loop
        if not await off_loop_if(len(graph.nodes) >= LARGE_GRAPH, paid):
            return None
        budget = await self._run(self.ledger.budget)
        if not budget.get("per_job") and not budget.get("per_day"):
            return None
        await self._drop_stale_reservations()
        est = await self.estimate(graph, outputs, extra_data=extra_data)
        confirmed = extra_data.get("confirm_spend") is True
        totals = est.total

        def check(spent: dict[str, Decimal], reserved: dict[str, Decimal]) -> dict[str, Any] | None:
            return check_admission(est, budget, spent=spent, reserved=reserved, confirmed=confirmed)
        refusal = await self._run(lambda: self.ledger.reserve(job_id, totals, check=check))
        if refusal is None:
            self._reserved.add(job_id)
            return None
        nodes = {n: c.as_json() for n, c in est.nodes.items() if c.amount is None or c.amount > 0}
        node_errors = {n: {"errors": [error_dict("budget_exceeded", refusal["message"], cost["basis"],
                                                 {"amount": cost["amount"], "currency": cost["currency"]})],
                           "dependent_outputs": outputs, "class_type": graph.nodes[n].class_type}
                       for n, cost in nodes.items()}
        return {"error": error_dict("budget_exceeded", refusal["message"], refusal["details"],
                                    {"nodes": nodes, "total": est.as_json()["total"], **refusal["extra"]}),
                "node_errors": node_errors}

    async def _drop_stale_reservations(self) -> None:
        if self.job_status is None:
            return
        now = time.time()
        for job_id, since in await self._run(self.ledger.reserved_ids):
            status = await self.job_status(job_id)
            # A job admitted here a moment ago may not be in the job store yet (submits
            # are group-committed): until it is queued, unknown means "not yet", for a while.
            inserting = job_id in self._reserved and job_id not in self._queued and now - since < _UNKNOWN_GRACE_S
            if (status is not None and status.finished) or (status is None and not inserting):
                self._reserved.discard(job_id)
                self._queued.discard(job_id)
                await self._run(self.ledger.settle, job_id)

    async def budget(self) -> dict[str, Any]:
        doc = await self._run(self.ledger.budget)
        today = await self._run(self.ledger.today)
        return {**doc, "today": {k: {c: float(v) for c, v in d.items()} for k, d in today.items()}}

    async def set_budget(self, raw: Any) -> dict[str, Any]:
        """Replace the limits; raises BudgetError naming the bad field."""
        doc = parse_budget(raw)
        await self._run(self.ledger.set_budget, doc)
        return await self.budget()

    # --- the ledger, from the bus ---------------------------------------------------------
    def on_event(self, event: Event) -> None:
        if self.is_relayed(event):
            return
        if isinstance(event, JobQueued):
            if event.job_id in self._reserved:
                self._queued.add(event.job_id)
            return
        if isinstance(event, PaidCallMade):
            charge = self._charge(event)
            key = (charge.provider or "unknown", charge.currency or "unknown")
            if charge.amount is not None:
                counter = self.spent if charge.status == SUCCEEDED else self.maybe_charged
                counter[key] = counter.get(key, Decimal(0)) + charge.amount
            self._background(self.ledger.record, [charge])
        elif isinstance(event, NodeStored):
            self.store_hits += event.items
        elif isinstance(event, (JobRecorded, JobCancelled)):
            if not self.sole_owner or event.job_id in self._reserved:  # else nothing to settle
                self._reserved.discard(event.job_id)
                self._queued.discard(event.job_id)
                self._background(self.ledger.settle, event.job_id)

    def _charge(self, event: PaidCallMade) -> Charge:
        spec = self.registry.get(event.class_type)
        price = spec.price if spec else None
        quote = self.prices.quote(price, event.inputs)
        values = dict(event.inputs)
        if price is not None and price.derive is not None:  # ComfyUI's nodes name the model inside a combo
            try:
                values.update(price.derive(values) or {})
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                pass
        model = values.get("model", values.get("model_name"))
        return Charge(job_id=event.job_id, node_id=event.node_id, class_type=event.class_type,
                      provider=quote.provider or (spec.provider if spec else None),
                      model=str(model) if model is not None else None, currency=quote.currency,
                      amount=quote.amount, item=event.item, usage=event.usage, basis=quote.basis,
                      status=event.status)

    async def report(self, *, since: float | None, until: float | None, group_by: str | None) -> dict[str, Any]:
        return await self._run(lambda: self.ledger.query(since=since, until=until, group_by=group_by))


__all__ = ["BudgetError", "Spend"]
