"""Execution: one run of a validated graph with a ready-set scheduler.

A node starts the moment the inputs it needs are ready — no generation barriers.
Async nodes run as tasks on the loop; sync nodes run in the engine's thread pool; all
under the global limit and the node's named limit. Demand flows backwards from the
outputs and stops at cached nodes; lazy inputs are demanded only when a node's
``check_lazy`` asks for them, and new demand can arrive at any time (which is what
node expansion needs). When a node fails nothing new starts, the running ones finish
(their outputs are cached: a paid provider call is never thrown away), and the run
ends with the first error. Cancellation cancels running tasks at once.
"""
from __future__ import annotations

import asyncio
import contextvars
import time
from collections import defaultdict
from typing import Any

from ..errors import DependencyCycleError, ExecutionInterruptedError, _qualified
from ..graph.model import Graph, GraphNode, Link
from ..registry.blocker import ExecutionBlocker
from ..registry.env import NodeEnv
from ..registry.spec import NodeSpec
from .cache import CacheEntry
from .batch_items import batch_items
from .context import CallScope, CancelToken, NodeContext, current_call, current_context
from .engine import Engine
from .events import (ItemFailed, JobFailed, JobInterrupted, JobStarted, JobSucceeded, NodeBlocked,
                     NodeFinished, NodesCached, NodeStarted, now_ms)
from .expansion import (DynamicPrompt, PendingExpansion, ephemeral_nodes, link_sources, resolve,
                        unsigned_order)
from .mapping import Merged, ResultMerger, blocker_in, plan_calls
from .paid import run_paid
from .plan import _fingerprints, make_plan
from .run import JobFailure, NodeOrigin, RunRequest, RunResult
from .signature import compute_signatures, strict_literal

#: Nodes started per turn of the event loop (see Execution._pump).
_STARTS_PER_TURN = 8


class Execution:
    def __init__(self, engine: Engine, request: RunRequest, token: CancelToken) -> None:
        self.engine = engine
        self.req = request
        self.graph = request.graph
        self.token = token
        self.sigs: dict[str, bytes] = {}
        self.results: dict[str, tuple[list[Any], ...]] = {}
        self.ui: dict[str, Any] = {}
        self.demanded: set[str] = set()
        self.done: set[str] = set()
        self.waiting: dict[str, int] = {}
        self.dependents: defaultdict[str, list[str]] = defaultdict(list)
        self.requested_lazy: defaultdict[str, set[str]] = defaultdict(set)
        self.ready: list[str] = []
        self.running: dict[str, asyncio.Task[None]] = {}
        self.executed: list[str] = []
        self.failure: JobFailure | None = None
        self.interrupted_node: str | None = None
        self.interrupted = False
        self.finished = asyncio.Event()
        self._pump_scheduled = False
        #: The prompt plus expanded nodes; made when a node asks for it or expands.
        self._dynprompt: DynamicPrompt | None = None
        self.pending_expansions: dict[str, PendingExpansion] = {}
        #: Batches: node id → ui key → item of each ui entry; items that failed alone.
        self.ui_items: dict[str, dict[str, list[int]]] = {}
        self.item_errors: list[ItemFailed] = []
        #: Nodes whose result lacks items that failed alone, and everything fed by them:
        #: never cached, so running the graph again retries just those items.
        self.partial: set[str] = set()

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
        cache = self.engine.cache
        cached = [n for n in plan.order if self.sigs[n] in cache]
        self._emit(NodesCached(job_id=job, node_ids=tuple(cached)))
        self.token.on_cancel(self._cancel_threadsafe(asyncio.get_running_loop()))
        for output in self.req.outputs:
            self._demand(output)
        self._pump()
        await self.finished.wait()
        return self._result(started, cached)

    def _finish_failed_early(self, started: int, exc: Exception) -> RunResult:
        self.failure = JobFailure(exception_type=_qualified(type(exc)), exception_message=str(exc))
        return self._result(started, [])

    def _result(self, started: int, cached: list[str]) -> RunResult:
        job, finished = self.req.job_id, now_ms()
        meta = {n: self._meta(n) for n in self.ui}
        result = RunResult(status="success", ui=dict(self.ui), meta=meta, executed=list(self.executed),
                           cached=cached, started_ms=started, finished_ms=finished,
                           items=batch_items(self.graph, self._outputs_of, self.ui_items, self.item_errors))
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
        entry = self.engine.cache.get(self.sigs[node_id]) if node_id in self.sigs else None
        return entry.outputs if entry is not None else None

    def _meta(self, node_id: str) -> NodeOrigin:
        dyn = self._dynprompt
        if dyn is None or node_id not in dyn.ephemeral_parents:
            return NodeOrigin(display_node=node_id, parent_node=None, real_node_id=node_id)
        return NodeOrigin(display_node=dyn.get_display_node_id(node_id), parent_node=dyn.get_parent_node_id(node_id),
                          real_node_id=dyn.get_real_node_id(node_id))

    @property
    def dynprompt(self) -> DynamicPrompt:
        if self._dynprompt is None:
            self._dynprompt = DynamicPrompt(self.graph.source)
        return self._dynprompt

    def _display(self, node_id: str) -> str:
        dyn = self._dynprompt
        return node_id if dyn is None else dyn.get_display_node_id(node_id)

    # --- demand and readiness ---------------------------------------------------------
    def _demand(self, root: str) -> None:
        """Mark ``root`` and what it needs as required; cached nodes end the walk."""
        stack = [root]
        while stack:
            node_id = stack.pop()
            if node_id in self.demanded:
                continue
            self.demanded.add(node_id)
            entry = self.engine.cache.get(self.sigs[node_id])
            if entry is not None:
                self._complete(node_id, entry.outputs, entry.ui, cached=True, ui_items=entry.ui_items)
                continue
            node = self.graph.nodes[node_id]
            lazy = node.spec.lazy_inputs
            self.waiting[node_id] = 0
            for name, link in node.links():
                if name in lazy and name not in self.requested_lazy[node_id]:
                    continue
                if self._wait_on(node_id, link.node):
                    stack.append(link.node)
            if self.waiting[node_id] == 0:
                self.ready.append(node_id)

    def _wait_on(self, node_id: str, source: str) -> bool:
        """Make ``node_id`` wait for ``source``; True if ``source`` still needs demand."""
        if source in self.done:
            return False
        self.waiting[node_id] += 1
        self.dependents[source].append(node_id)
        return source not in self.demanded

    def _complete(self, node_id: str, outputs: tuple[list[Any], ...], ui: dict[str, Any] | None,
                  *, cached: bool, ui_items: dict[str, list[int]] | None = None) -> None:
        self.results[node_id] = outputs
        if ui_items:
            self.ui_items[node_id] = ui_items
        self.done.add(node_id)
        self.executed.append(node_id)
        node = self.graph.nodes[node_id]
        if ui:
            self.ui[node_id] = ui
        if ui or not cached:
            self._emit(NodeFinished(job_id=self.req.job_id, node_id=node_id,
                                    display_node_id=self._display(node_id),
                                    class_type=node.class_type, ui=ui, cached=cached))
        for dependent in self.dependents.pop(node_id, ()):
            self.waiting[dependent] -= 1
            if self.waiting[dependent] == 0:
                self.ready.append(dependent)

    def _pump(self) -> None:
        """Start ready nodes (unless the run is stopping), then see if it ended. At most
        _STARTS_PER_TURN start per turn of the event loop and the rest on the next
        turns: a hundred provider nodes taking their first steps in one turn would
        otherwise hold the loop for a hundred milliseconds."""
        self._pump_scheduled = False
        stopping = self.failure is not None or self.interrupted
        loop = asyncio.get_running_loop()
        started = 0
        while self.ready and not stopping:
            if started == _STARTS_PER_TURN:
                self._pump_scheduled = True
                loop.call_soon(self._pump)
                return
            node_id = self.ready.pop()
            if node_id in self.done or node_id in self.running:
                continue
            self.running[node_id] = loop.create_task(self._run_node(node_id))
            started += 1
        if self.running:
            self._park_if_waiting()
            return
        if not stopping and len(self.done) < len(self.demanded):
            stuck = sorted(self.demanded - self.done)
            blamed = next((self._display(n) for n in stuck if self._display(n) != n), stuck[0])
            self.failure = _cycle_failure(blamed, self.graph)
        self.finished.set()

    def _park_if_waiting(self) -> None:
        """Give the job's slot back when nothing is ready and every running node is async
        (a provider wait, a named limit): slots bound CPU work, not waiting."""
        slot = self.req.slot
        if slot is None or not slot.held or self.ready:
            return
        nodes = self.graph.nodes
        if all(nodes[n].spec.behaviour.is_async for n in self.running):
            slot.park()

    # --- one node ---------------------------------------------------------------------
    async def _run_node(self, node_id: str) -> None:
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
            if not self.finished.is_set() and not self._pump_scheduled:
                self._pump()

    async def _execute(self, node: GraphNode, state: Any, ctx: NodeContext,
                       inputs: dict[str, list[Any]]) -> None:
        sig = self.sigs[node.id]
        future: asyncio.Future[CacheEntry | None] = asyncio.get_running_loop().create_future()
        self.engine.inflight[sig] = future
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
            self.engine.node_runs += 1
            if merged.expand:
                await self._expand(node, merged)
                return
            if merged.failed or any(type(v) is Link and v.node in self.partial for v in node.inputs.values()):
                self.partial.add(node.id)
                entry = CacheEntry(outputs=merged.outputs, ui=merged.ui, size_bytes=0, ui_items=merged.ui_items)
            else:
                entry = self.engine.cache.put(sig, merged.outputs, merged.ui, merged.ui_items)
            if merged.block_message is not None:
                self._emit(NodeBlocked(job_id=self.req.job_id, node_id=node.id,
                                       class_type=node.class_type, message=merged.block_message))
            self._complete(node.id, entry.outputs, entry.ui, cached=False, ui_items=entry.ui_items)
        finally:
            if self.engine.inflight.get(sig) is future:
                del self.engine.inflight[sig]
            future.set_result(entry)

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
        entry = self.engine.cache.put(self.sigs[node.id], merged.outputs, pending.ui)
        self._complete(node.id, entry.outputs, entry.ui, cached=False)

    def _spec_of(self, class_type: str) -> NodeSpec | None:
        if self.engine.specs is not None:
            return self.engine.specs(class_type)
        return next((n.spec for n in self.graph.nodes.values() if n.class_type == class_type), None)

    async def _shared_entry(self, node_id: str) -> CacheEntry | None:
        """An entry another job computed meanwhile or is computing right now."""
        sig = self.sigs[node_id]
        entry = self.engine.cache.get(sig)
        if entry is not None:
            return entry
        future = self.engine.inflight.get(sig)
        if future is None:
            return None
        return await asyncio.shield(future)

    async def _needs_more(self, node: GraphNode, state: Any, ctx: NodeContext) -> bool:
        """Ask ``check_lazy`` which lazy inputs it needs — once per list item, as
        ComfyUI maps it like the node function, and the union of the answers — and
        demand the missing ones. True when the node must wait for them (it becomes
        ready again later)."""
        while True:
            asked: set[str] = set()
            for call in plan_calls(node.spec, self._gather(node)):
                answer = node.spec.behaviour.check_lazy(state, ctx, call)
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
        if spec.behaviour.is_async:
            return await _call_async(spec, state, ctx, calls)
        inline = self.engine.inline
        if inline.allows(spec, calls):
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return _call_sync(spec, state, ctx, calls)
            finally:
                inline.ran_inline(spec, time.perf_counter() - started, time.thread_time() - cpu)
        work = contextvars.copy_context().run
        loop = asyncio.get_running_loop()
        merged, wall, cpu = await loop.run_in_executor(self.engine.pool, work, _timed_call_sync, spec, state, ctx,
                                                       calls)
        inline.ran_in_pool(spec, wall, cpu)
        return merged

    # --- bookkeeping -----------------------------------------------------------------
    def _context(self, node: GraphNode) -> NodeContext:
        return NodeContext(paths=self.engine.paths, job_id=self.req.job_id, node_id=node.id,
                           class_type=node.class_type, prompt=self.graph.source,
                           extra_data=self.req.extra_data, emit=self._emit, token=self.token,
                           services=self.engine.services)

    def _env(self, node: GraphNode) -> NodeEnv:
        return NodeEnv(paths=self.engine.paths, node_id=node.id, class_type=node.class_type,
                       prompt=self.graph.source, extra_data=self.req.extra_data, job_id=self.req.job_id)

    def _emit(self, event: Any) -> None:
        if isinstance(event, ItemFailed):
            self.item_errors.append(event)
        self.engine.bus.publish(event)

    def _note_interrupt(self, node_id: str) -> None:
        self.interrupted = True
        if self.interrupted_node is None:
            self.interrupted_node = node_id

    def _note_failure(self, node: GraphNode, exc: Exception, inputs: dict[str, list[Any]]) -> None:
        if self.failure is not None or self.interrupted:
            return
        real = self._dynprompt.get_real_node_id(node.id) if self._dynprompt is not None else node.id
        self.failure = JobFailure.from_exception(exc, node_id=real, node_type=self.graph.nodes[real].class_type,
                                                 inputs=inputs, redact=self.engine.config.redact)

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


def _call_sync(spec: NodeSpec, state: Any, ctx: NodeContext, calls: list[dict[str, Any]]) -> Merged:
    current_context.set(ctx)
    behaviour, merger = spec.behaviour, ResultMerger(spec)
    for index, call in enumerate(calls):
        ctx.check_cancelled()
        blocker = blocker_in(call, spec.input_is_list)
        if blocker is not None:
            merger.add_blocked(blocker)
            continue
        current_call.set(CallScope(ctx.node_id, index))
        merger.add(behaviour.normalise(behaviour.call(state, ctx, call)))
    return merger.result()


def _timed_call_sync(spec: NodeSpec, state: Any, ctx: NodeContext,
                     calls: list[dict[str, Any]]) -> tuple[Merged, float, float]:
    started, cpu = time.perf_counter(), time.thread_time()
    merged = _call_sync(spec, state, ctx, calls)
    return merged, time.perf_counter() - started, time.thread_time() - cpu


async def _call_async(spec: NodeSpec, state: Any, ctx: NodeContext,
                      calls: list[dict[str, Any]]) -> Merged:
    behaviour, merger = spec.behaviour, ResultMerger(spec)
    pending: list[Any] = []
    for index, call in enumerate(calls):
        blocker = blocker_in(call, spec.input_is_list)
        if blocker is not None:
            pending.append(blocker)
            continue
        scope = current_call.set(CallScope(ctx.node_id, index))
        try:  # each call's task copies the context: its expansion ids carry its index
            result = behaviour.call(state, ctx, call)
            pending.append(asyncio.ensure_future(result) if asyncio.iscoroutine(result) else result)
        finally:
            current_call.reset(scope)
    awaited = await asyncio.gather(*(p for p in pending if isinstance(p, asyncio.Future)))
    results = iter(awaited)
    for item in pending:
        if isinstance(item, asyncio.Future):
            merger.add(behaviour.normalise(next(results)))
        elif isinstance(item, ExecutionBlocker):
            merger.add_blocked(item)
        else:
            merger.add(behaviour.normalise(item))
    return merger.result()


def _cycle_failure(blamed: str, graph: Graph) -> JobFailure:
    """ComfyUI's report of a cycle found while running (one an expansion made)."""
    return JobFailure(node_id=blamed, node_type=graph.nodes[blamed].class_type,
                      exception_type="graph.DependencyCycleError", exception_message="Dependency cycle detected")
