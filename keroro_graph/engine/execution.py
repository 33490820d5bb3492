"""Execution: one run of a validated graph with a ready-set scheduler (scheduler.py).

A node starts the moment the inputs it needs are ready — no generation barriers.
Async nodes run as tasks on the loop; sync nodes run in the engine's thread pool (or
on the loop when they are cheap: inline.py); all under the global limit and the node's named limit. Demand flows backwards from the
outputs and stops at cached nodes; lazy inputs are demanded only when a node's
``check_lazy`` asks for them, and new demand can arrive at any time (which is what
node expansion needs). When a node fails nothing new starts, the running ones finish
(their outputs are cached: a paid provider call is never thrown away), and the run
ends with the first error. Cancellation cancels running tasks at once.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from ..errors import DependencyCycleError, ExecutionInterruptedError, _qualified
from ..graph.model import Graph, GraphNode, Link
from ..heap import off_loop_if
from ..registry.env import NodeEnv
from ..registry.spec import NodeSpec
from .batch_items import batch_items
from .cache import CacheEntry
from .calls import call_node
from .context import NodeContext, current_context
from .events import (JobFailed, JobInterrupted, JobStarted, JobSucceeded, NodeBlocked, NodesCached,
                     NodeStarted, now_ms)
from .expansion import PendingExpansion, ephemeral_nodes, link_sources, resolve, unsigned_order
from .mapping import Merged, ResultMerger, plan_calls
from .paid import run_paid
from . import plan as plans
from .plan import _fingerprints, make_plan
from .run import JobFailure, NodeOrigin, RunResult
from .scheduler import Scheduler, _cycle_failure
from .signature import compute_signatures, strict_literal

#: How long one task may go on running cheap nodes that follow each other (see _run_node).
_FOLLOW_S = 0.001
#: Cache lookups per turn of the loop when a large run starts (about 5 ms).
_CACHED_SLICE = 20_000


class Execution(Scheduler):
    """One run: the scheduler (scheduler.py) plus what running a node means."""

    # --- the run ------------------------------------------------------------------
    async def run(self) -> RunResult:
        started = now_ms()
        job = self.req.job_id
        self._emit(JobStarted(job_id=job, timestamp_ms=started,
                              client_id=self.req.extra_data.get("client_id")))
        try:
            plan = await make_plan(self.graph, self.req.outputs, env_for=self._env, pool=self.engine.pool)
        except DependencyCycleError as exc:
            return self._finish_failed_early(started, exc)
        self.sigs = plan.signatures
        large = len(plan.order) >= plans.LARGE_PLAN
        cached = await self._cached_nodes(plan.order, large)
        self._emit(NodesCached(job_id=job, node_ids=tuple(cached)))
        # The callback refers to this run; removing it when the run ends keeps the
        # token -> callback -> run cycle from making the run (its graph: millions of
        # objects for a 200k-node prompt) garbage only a full collection can free.
        forget = self.token.on_cancel(self._cancel_threadsafe(asyncio.get_running_loop()))
        try:
            if large:
                await self._demand_all(self.req.outputs)
            else:
                for output in self.req.outputs:
                    self._demand(output)
            self._pump()
            await self.finished.wait()
        finally:
            forget()
        # every node of the run is over: its state is only read from here on
        return self._result(started, cached, await off_loop_if(large, self._summary))

    async def _cached_nodes(self, order: list[str], large: bool) -> list[str]:
        """The nodes of ``order`` the cache holds; a large run gives the loop back every
        ``_CACHED_SLICE`` lookups."""
        if not large:
            return [n for n in order if self.engine.is_cached(self.sigs[n])]
        cached: list[str] = []
        for start in range(0, len(order), _CACHED_SLICE):
            cached += [n for n in order[start:start + _CACHED_SLICE] if self.engine.is_cached(self.sigs[n])]
            await asyncio.sleep(0)
        return cached

    def _summary(self) -> tuple[dict[str, NodeOrigin], dict[str, Any] | None]:
        """Where each node with ui output came from, and the batch items: a large run's
        are made in a thread (40-60 ms for 100k outputs)."""
        meta = {n: self._meta(n) for n in self.ui}
        return meta, batch_items(self.graph, self._outputs_of, self.ui_items, self.item_errors)

    def _finish_failed_early(self, started: int, exc: Exception) -> RunResult:
        self.failure = JobFailure(exception_type=_qualified(type(exc)), exception_message=str(exc))
        return self._result(started, [], self._summary())

    def _result(self, started: int, cached: list[str],
                summary: tuple[dict[str, NodeOrigin], dict[str, Any] | None]) -> RunResult:
        job, finished = self.req.job_id, now_ms()
        meta, items = summary
        result = RunResult(status="success", ui=dict(self.ui), meta=meta, executed=list(self.executed),
                           cached=cached, started_ms=started, finished_ms=finished, items=items)
        if self.interrupted:
            node = self.graph.nodes.get(self.interrupted_node or "")
            result.status, result.interrupted_node = "interrupted", self.interrupted_node
            result.interrupted_type = node.class_type if node else None
            self._emit(JobInterrupted(job_id=job, node_id=self.interrupted_node, class_type=result.interrupted_type,
                                      executed=tuple(self.executed)))
        elif self.failure is not None:
            result.status, result.failure = "error", self.failure
            f = self.failure
            self._emit(JobFailed(job_id=job, node_id=f.node_id or "", class_type=f.node_type or "",
                                 exception_type=f.exception_type, message=f.exception_message,
                                 traceback=f.traceback, executed=tuple(self.executed),
                                 current_inputs=dict(f.current_inputs)))
        else:
            self._emit(JobSucceeded(job_id=job))
        return result

    def _outputs_of(self, node_id: str) -> tuple[list[Any], ...] | None:
        """A node's outputs in this run: computed, or in the cache (demand stopped there)."""
        if node_id in self.results:
            return self.results[node_id]
        entry = self.engine.cached(self.sigs[node_id]) if node_id in self.sigs else None
        return entry.outputs if entry is not None else None

    def _meta(self, node_id: str) -> NodeOrigin:
        dyn = self._dynprompt
        if dyn is None or node_id not in dyn.ephemeral_parents:
            return NodeOrigin(display_node=node_id, parent_node=None, real_node_id=node_id)
        return NodeOrigin(display_node=dyn.get_display_node_id(node_id), parent_node=dyn.get_parent_node_id(node_id),
                          real_node_id=dyn.get_real_node_id(node_id))

    # --- one node ---------------------------------------------------------------------
    async def _run_node(self, node_id: str) -> None:
        """Run ``node_id``; then, while ``_FOLLOW_S`` lasts, the node it alone made ready,
        in this same task, when that one runs on the loop anyway (a chain of cheap nodes
        then costs no task and no loop turn per node)."""
        until = time.perf_counter() + _FOLLOW_S
        current: str | None = node_id
        try:
            while current is not None:
                await self._run_one(current)
                current = self._follow_up(until)
        finally:
            if not self.finished.is_set() and not self._pump_scheduled:
                self._pump()

    def _follow_up(self, until: float) -> str | None:
        if len(self.ready) != 1 or self.failure is not None or self.interrupted or time.perf_counter() > until:
            return None
        node_id = self.ready[0]
        spec = self.graph.nodes[node_id].spec
        if node_id in self.done or node_id in self.running or spec.paid or spec.behaviour.is_async \
                or not self.engine.inline.on_loop(spec.class_type):
            return None
        self.ready.pop()
        task = asyncio.current_task()
        assert task is not None
        self.running[node_id] = task
        return node_id

    async def _run_one(self, node_id: str) -> None:
        node = self.graph.nodes[node_id]
        inputs: dict[str, list[Any]] = {}
        try:
            ctx = self._context(node)
            current_context.set(ctx)
            if node_id in self.pending_expansions:
                self._finish_expansion(node, self.pending_expansions.pop(node_id))
                return
            state = self.engine.instance(node_id, node.spec)
            if node.spec.lazy_inputs and node.spec.behaviour.check_lazy is not None:
                if await self._needs_more(node, state, ctx):
                    return
            entry = await self._shared_entry(node_id)
            if entry is not None:
                self._complete(node_id, entry.outputs, entry.ui, cached=True, ui_items=entry.ui_items)
                return
            await self._execute(node, state, ctx, inputs)
        except asyncio.CancelledError:
            self._note_interrupt(node_id)
            raise
        except ExecutionInterruptedError:
            self._note_interrupt(node_id)
        except Exception as exc:
            self._note_failure(node, exc, inputs)
        finally:
            self.running.pop(node_id, None)

    async def _execute(self, node: GraphNode, state: Any, ctx: NodeContext,
                       inputs: dict[str, list[Any]]) -> None:
        sig = self.sigs[node.id]
        future = self.engine.begin(sig)
        entry: CacheEntry | None = None
        try:
            inputs.update(self._gather(node))
            if self.req.slot is not None and not node.spec.behaviour.is_async:
                await self.req.slot.resume()  # before the global limit: never hold one waiting
            # Paid nodes take their provider's limit per call (engine/paid.py).
            limit = self.engine.named_limit(node.spec.limit) if node.spec.limit and not node.spec.paid else None
            async with self.engine.global_limit():
                if limit is not None:
                    async with limit:
                        merged = await self._call(node, state, ctx, inputs)
                else:
                    merged = await self._call(node, state, ctx, inputs)
            if merged.expand:
                await self._expand(node, merged)
                return
            if merged.failed or any(type(v) is Link and v.node in self.partial for v in node.inputs.values()):
                self.partial.add(node.id)
                entry = CacheEntry(outputs=merged.outputs, ui=merged.ui, size_bytes=0, ui_items=merged.ui_items)
            else:
                entry = self.engine.keep(sig, merged.outputs, merged.ui, merged.ui_items)
            if merged.block_message is not None:
                self._emit(NodeBlocked(job_id=self.req.job_id, node_id=node.id,
                                       class_type=node.class_type, message=merged.block_message))
            self._complete(node.id, entry.outputs, entry.ui, cached=False, ui_items=entry.ui_items)
        finally:
            self.engine.end(sig, future, entry)

    # --- node expansion -------------------------------------------------------------
    async def _expand(self, node: GraphNode, merged: Merged) -> None:
        """Add the node's expansion graphs to the run; the node finishes once the
        outputs its results link to are ready (see _finish_expansion)."""
        if self.graph is self.req.graph:  # the request's graph stays as submitted
            self.graph = Graph(nodes=dict(self.graph.nodes), source=self.graph.source,
                               order=list(self.graph.order))
        added = ephemeral_nodes(self.graph, self.dynprompt, node.id, merged.expand, self._spec_of)
        try:
            order = unsigned_order(self.graph, [n.id for n in added], self.sigs)
        except DependencyCycleError:
            self.failure = _cycle_failure(self._display(node.id), self.graph)
            return
        fingerprints = await _fingerprints(self.graph, order, self._env, self.engine.pool)
        compute_signatures(self.graph, order, fingerprints, into=self.sigs, literal=strict_literal)
        pending = PendingExpansion(calls=merged.calls, ui=merged.ui, sources=link_sources(merged.calls))
        self.pending_expansions[node.id] = pending
        self.waiting[node.id] = 0
        missing = [src for src in dict.fromkeys(pending.sources) if self._wait_on(node.id, src)]
        for added_node in added:
            if added_node.spec.output_node:
                self._demand(added_node.id)
        for source in missing:
            self._demand(source)
        if self.waiting[node.id] == 0:
            self.ready.append(node.id)

    def _finish_expansion(self, node: GraphNode, pending: PendingExpansion) -> None:
        merger = ResultMerger(node.spec)
        for output in resolve(pending, self.results):
            merger.add(output)
        merged = merger.result()
        entry = self.engine.keep(self.sigs[node.id], merged.outputs, pending.ui)
        self._complete(node.id, entry.outputs, entry.ui, cached=False)

    def _spec_of(self, class_type: str) -> NodeSpec | None:
        if self.engine.specs is not None:
            return self.engine.specs(class_type)
        return next((n.spec for n in self.graph.nodes.values() if n.class_type == class_type), None)

    async def _shared_entry(self, node_id: str) -> CacheEntry | None:
        """An entry another job computed meanwhile or is computing right now."""
        return await self.engine.shared(self.sigs[node_id])

    async def _needs_more(self, node: GraphNode, state: Any, ctx: NodeContext) -> bool:
        """Ask ``check_lazy`` which lazy inputs it needs — once per list item, as
        ComfyUI maps it like the node function, and the union of the answers — and
        demand the missing ones. True when the node must wait for them (it becomes
        ready again later)."""
        while True:
            asked: set[str] = set()
            for call in plan_calls(node.spec, self._gather(node)):
                check_lazy = node.spec.behaviour.check_lazy
                assert check_lazy is not None, "only nodes with lazy inputs get here"
                answer = check_lazy(state, ctx, call)
                if asyncio.iscoroutine(answer):
                    answer = await answer
                if isinstance(answer, (list, tuple, set)):
                    asked.update(n for n in answer if isinstance(n, str))
            new = [n for n in asked if n not in self.requested_lazy[node.id]]
            if not new:
                return False
            # Count every wait before demanding any: a cached source completes at once,
            # and must not make the node ready while another source is still missing.
            sources = []
            for name in new:
                self.requested_lazy[node.id].add(name)
                link = node.inputs.get(name)
                if type(link) is Link and self._wait_on(node.id, link.node):
                    sources.append(link.node)
            for source in sources:
                self._demand(source)
            if self.waiting[node.id] > 0:
                return True

    def _gather(self, node: GraphNode) -> dict[str, list[Any]]:
        inputs: dict[str, list[Any]] = {}
        for name, value in node.inputs.items():
            if type(value) is Link:
                item = node.spec.input(name)
                if item is not None and item.raw_link:
                    inputs[name] = [[value.node, value.slot]]
                else:
                    produced = self.results.get(value.node)
                    inputs[name] = produced[value.slot] if produced is not None else [None]
            else:
                inputs[name] = [value]
        for item in node.spec.hidden_inputs:
            inputs[item.name] = [self._hidden(item.hidden_kind or "", node.id)]
        return inputs

    def _hidden(self, kind: str, node_id: str) -> Any:
        if kind == "UNIQUE_ID":
            return node_id
        if kind == "DYNPROMPT":
            return self.dynprompt
        if kind == "PROMPT":
            return self.graph.source
        if kind == "EXTRA_PNGINFO":
            return self.req.extra_data.get("extra_pnginfo")
        return None

    async def _call(self, node: GraphNode, state: Any, ctx: NodeContext,
                    inputs: dict[str, list[Any]]) -> Merged:
        spec = node.spec
        calls = plan_calls(spec, inputs)
        self._emit(NodeStarted(job_id=self.req.job_id, node_id=node.id, display_node_id=self._display(node.id),
                               class_type=spec.class_type))
        if spec.paid:
            return await run_paid(self, spec, state, ctx, calls, node_id=node.id, sig=self.sigs[node.id])
        return await call_node(spec, state, ctx, calls, pool=self.engine.pool, inline=self.engine.inline)

    # --- bookkeeping -----------------------------------------------------------------
    def _context(self, node: GraphNode) -> NodeContext:
        return NodeContext(paths=self.engine.paths, job_id=self.req.job_id, node_id=node.id,
                           class_type=node.class_type, prompt=self.graph.source,
                           extra_data=self.req.extra_data, emit=self._emit, token=self.token,
                           services=self.engine.services)

    def _env(self, node: GraphNode) -> NodeEnv:
        return NodeEnv(paths=self.engine.paths, node_id=node.id, class_type=node.class_type,
                       prompt=self.graph.source, extra_data=self.req.extra_data, job_id=self.req.job_id)

    def _note_interrupt(self, node_id: str) -> None:
        self.interrupted = True
        if self.interrupted_node is None:
            self.interrupted_node = node_id

    def _note_failure(self, node: GraphNode, exc: Exception, inputs: dict[str, list[Any]]) -> None:
        if self.failure is not None or self.interrupted:
            return
        real = self._dynprompt.get_real_node_id(node.id) if self._dynprompt is not None else node.id
        self.failure = JobFailure.from_exception(exc, node_id=real, node_type=self.graph.nodes[real].class_type,
                                                 inputs=inputs, redact=self.engine.redact)

    def _cancel_threadsafe(self, loop: asyncio.AbstractEventLoop) -> Any:
        def cancel() -> None:
            if self.finished.is_set():
                return
            self.interrupted = True
            for node_id, task in list(self.running.items()):
                if self.interrupted_node is None:
                    self.interrupted_node = node_id
                task.cancel()
            if not self.running:
                self.finished.set()
        return lambda: loop.call_soon_threadsafe(cancel)
