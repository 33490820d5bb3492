"""The ready-set scheduler of one run: which nodes are demanded (backwards from the
outputs, stopping at cached nodes), how many inputs each still waits for, and which
are ready; ``_pump`` starts ready nodes as tasks. What running a node means is the
subclass's (execution.py: ``_run_node``)."""
from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from typing import Any, Iterable, Iterator

from ..graph.model import Graph
from .context import CancelToken
from .events import ItemFailed, NodeFinished
from .expansion import DynamicPrompt, PendingExpansion
from .run import JobFailure, RunRequest
from .state import EngineState

#: Nodes started per turn of the event loop (see Scheduler._pump).
_STARTS_PER_TURN = 8
#: A large run's first demand walk gives the loop back after this many nodes (about
#: 5 ms of walking): a 200k-node graph would otherwise hold it for half a second.
_DEMAND_SLICE = 3000


class Scheduler:
    def __init__(self, engine: EngineState, request: RunRequest, token: CancelToken) -> None:
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
        for _ in self._walk(root):
            pass

    async def _demand_all(self, roots: Iterable[str]) -> None:
        """The run's first demand, ``_demand`` of each output in turn, giving the loop
        back every ``_DEMAND_SLICE`` nodes. Nothing starts meanwhile (the run pumps
        after this), and an interrupt arriving meanwhile ends the walk."""
        walked = 0
        for root in roots:
            for _ in self._walk(root):
                walked += 1
                if walked == _DEMAND_SLICE:
                    walked = 0
                    await asyncio.sleep(0)
                    if self.finished.is_set():
                        return

    def _walk(self, root: str) -> Iterator[None]:
        """The demand walk from ``root``, yielding once per node it marks."""
        stack = [root]
        while stack:
            node_id = stack.pop()
            if node_id in self.demanded:
                continue
            self.demanded.add(node_id)
            yield
            entry = self.engine.cached(self.sigs[node_id])
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
            task = self.running[node_id] = loop.create_task(self._run_node(node_id))
            task.add_done_callback(functools.partial(self._never_began, node_id))
            started += 1
        if self.running:
            self._park_if_waiting()
            return
        if not stopping and len(self.done) < len(self.demanded):
            stuck = sorted(self.demanded - self.done)
            blamed = next((self._display(n) for n in stuck if self._display(n) != n), stuck[0])
            self.failure = _cycle_failure(blamed, self.graph)
        self.finished.set()

    def _never_began(self, node_id: str, task: asyncio.Task[None]) -> None:
        """A node task cancelled before its first step (an interrupt landing between its
        start here and its first turn) runs none of its body, not even the ``finally``
        that takes it out of ``running`` and ends the run: do that here, or the run
        waits forever for a task that is already over."""
        if self.running.get(node_id) is not task:
            return  # it ran (its own finally took it out) or another task holds the node
        del self.running[node_id]
        if not self.finished.is_set() and not self._pump_scheduled:
            self._pump()

    def _park_if_waiting(self) -> None:
        """Give the job's slot back when nothing is ready and every running node is async
        (a provider wait, a named limit): slots bound CPU work, not waiting."""
        slot = self.req.slot
        if slot is None or not slot.held or self.ready:
            return
        nodes = self.graph.nodes
        if all(nodes[n].spec.behaviour.is_async for n in self.running):
            slot.park()
    async def _run_node(self, node_id: str) -> None:
        raise NotImplementedError

    def _emit(self, event: Any) -> None:
        if isinstance(event, ItemFailed):
            self.item_errors.append(event)
        self.engine.emit(event)


def _cycle_failure(blamed: str, graph: Graph) -> JobFailure:
    """ComfyUI's report of a cycle found while running (one an expansion made)."""
    return JobFailure(node_id=blamed, node_type=graph.nodes[blamed].class_type,
                      exception_type="graph.DependencyCycleError", exception_message="Dependency cycle detected")
