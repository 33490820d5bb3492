"""Engine: the long-lived resources every job shares — the output cache, the thread
pool for sync nodes, the global and named concurrency limits, node instances (V1
objects persist per node id and class, as in ComfyUI), in-flight deduplication, and
the event bus. ``execute`` runs one validated graph.
"""
from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from ..graph.model import Graph
from ..registry.env import Paths
from ..registry.spec import NodeSpec
from .cache import CacheEntry, OutputCache
from .context import CancelToken
from .events import EventBus
from .inline import InlinePolicy
from .run import RunRequest, RunResult
from .slots import JobSlot

_MAX_INSTANCES = 4096


@dataclass
class EngineConfig:
    paths: Paths
    #: Byte budget of the shared output cache.
    cache_bytes: int = 2 * 1024**3
    #: Nodes running at once across all jobs.
    max_concurrent_nodes: int = 128
    #: Threads for sync nodes; default min(32, cores + 4).
    thread_workers: int | None = None
    #: Named limits (e.g. ``{"kling": 4}``); a name not listed gets ``default_named_limit``.
    limits: dict[str, int] = field(default_factory=dict)
    default_named_limit: int = 8
    #: Scrubs known secret values out of failure text before it leaves the engine.
    redact: Callable[[str], str] | None = None


class Engine:
    def __init__(self, config: EngineConfig, *, bus: EventBus | None = None,
                 services: dict[str, Any] | None = None) -> None:
        self.config = config
        self.bus = bus or EventBus()
        self.cache = OutputCache(config.cache_bytes)
        workers = config.thread_workers or min(32, (os.cpu_count() or 1) + 4)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="keroro-node")
        self.services = services if services is not None else {}
        self._global: asyncio.Semaphore | None = None
        self._named: dict[str, asyncio.Semaphore] = {}
        self._instances: OrderedDict[tuple[str, str], Any] = OrderedDict()
        #: signature → future of the entry being computed right now (any job).
        self.inflight: dict[bytes, asyncio.Future[CacheEntry]] = {}
        self.node_runs = 0
        #: Which sync nodes are cheap enough to run on the loop (see inline.py).
        self.inline = InlinePolicy()
        #: class type → NodeSpec, for the nodes an expansion adds (set by the host).
        self.specs: Callable[[str], NodeSpec | None] | None = None
        #: The paid-result store (engine.paid.ResultStore) or None; paid nodes use it.
        self.paid_store: Any = None
        #: Digests of arrays fed to paid nodes (engine.paid.DigestMemo), made on first use.
        self.paid_digests: Any = None

    @property
    def paths(self) -> Paths:
        return self.config.paths

    def global_limit(self) -> asyncio.Semaphore:
        if self._global is None:
            self._global = asyncio.Semaphore(self.config.max_concurrent_nodes)
        return self._global

    def named_limit(self, name: str) -> asyncio.Semaphore:
        sem = self._named.get(name)
        if sem is None:
            sem = asyncio.Semaphore(self.config.limits.get(name, self.config.default_named_limit))
            self._named[name] = sem
        return sem

    def set_limit(self, name: str, value: int) -> None:
        """Change a named limit for nodes that start from now on."""
        self.config.limits[name] = value
        self._named.pop(name, None)

    def instance(self, node_id: str, spec: NodeSpec) -> Any:
        """The node's state object (a V1 class instance), kept per (id, class)."""
        make = spec.behaviour.make_state
        if make is None:
            return None
        key = (node_id, spec.class_type)
        obj = self._instances.get(key)
        if obj is None:
            obj = self._instances[key] = make()
            if len(self._instances) > _MAX_INSTANCES:
                self._instances.popitem(last=False)
        else:
            self._instances.move_to_end(key)
        return obj

    async def execute(self, request: RunRequest, token: CancelToken | None = None) -> RunResult:
        """Run a validated graph to the end; never raises for node failures (they are
        in the result and on the bus)."""
        from .execution import Execution
        self.bus.bind(asyncio.get_running_loop())
        return await Execution(self, request, token or CancelToken()).run()

    def free(self) -> None:
        """Drop cached outputs and node instances (ComfyUI's /free)."""
        self.cache.clear()
        self._instances.clear()

    async def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
