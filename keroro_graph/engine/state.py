"""EngineState: the long-lived resources every job shares, behind methods — the output
cache and the entries being computed right now (in-flight deduplication across jobs),
the thread pool for sync nodes, the global and named concurrency limits, node
instances (V1 objects persist per node id and class, as in ComfyUI), which sync nodes
may run on the loop, the paid-result store, and the event bus.

A run (execution.py) reads and changes this state only through these methods; the
``Engine`` (engine.py) adds ``execute``.
"""
from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from ..registry.env import Paths
from ..registry.spec import NodeSpec
from .cache import CacheEntry, OutputCache
from .events import Event, EventBus
from .inline import InlinePolicy
from .paid import DigestMemo, ResultStore

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


class EngineState:
    def __init__(self, config: EngineConfig, *, bus: EventBus, services: dict[str, Any] | None = None,
                 specs: Callable[[str], NodeSpec | None] | None = None,
                 paid_store: ResultStore | None = None) -> None:
        self.config = config
        self.bus = bus
        self.cache = OutputCache(config.cache_bytes)
        workers = config.thread_workers or min(32, (os.cpu_count() or 1) + 4)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="keroro-node")
        self.services = services if services is not None else {}
        #: class type → NodeSpec, for the nodes an expansion adds.
        self.specs = specs
        #: The paid-result store or None; paid nodes use it.
        self.paid_store = paid_store
        #: Digests of arrays fed to paid nodes.
        self.paid_digests = DigestMemo()
        #: Which sync nodes are cheap enough to run on the loop (see inline.py).
        self.inline = InlinePolicy()
        self._global: asyncio.Semaphore | None = None
        self._named: dict[str, asyncio.Semaphore] = {}
        self._instances: OrderedDict[tuple[str, str], Any] = OrderedDict()
        #: signature → future of the entry being computed right now (any job).
        self._inflight: dict[bytes, asyncio.Future[CacheEntry | None]] = {}

    @property
    def paths(self) -> Paths:
        return self.config.paths

    def emit(self, event: Event) -> None:
        self.bus.publish(event)

    def redact(self, text: str) -> str:
        return self.config.redact(text) if self.config.redact is not None else text

    # --- the output cache and entries being computed --------------------------------------
    def cached(self, sig: bytes) -> CacheEntry | None:
        return self.cache.get(sig)

    def is_cached(self, sig: bytes) -> bool:
        return sig in self.cache

    def keep(self, sig: bytes, outputs: tuple[list[Any], ...], ui: dict[str, Any] | None,
             ui_items: dict[str, list[int]] | None = None) -> CacheEntry:
        """Cache a node's result (within the byte budget) and return its entry."""
        return self.cache.put(sig, outputs, ui, ui_items)

    def begin(self, sig: bytes) -> asyncio.Future[CacheEntry | None]:
        """Note that a run is computing ``sig`` now; ``end`` with the same future."""
        future: asyncio.Future[CacheEntry | None] = asyncio.get_running_loop().create_future()
        self._inflight[sig] = future
        return future

    def end(self, sig: bytes, future: asyncio.Future[CacheEntry | None], entry: CacheEntry | None) -> None:
        """The computation ``begin`` announced is over (``entry`` None: it failed)."""
        if self._inflight.get(sig) is future:
            del self._inflight[sig]
        future.set_result(entry)

    async def shared(self, sig: bytes) -> CacheEntry | None:
        """The entry for ``sig`` if it is cached or another run is computing it now
        (waits for that run; None if it failed)."""
        entry = self.cache.get(sig)
        if entry is not None:
            return entry
        future = self._inflight.get(sig)
        if future is None:
            return None
        return await asyncio.shield(future)

    # --- limits ------------------------------------------------------------------------
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

    # --- node instances -----------------------------------------------------------------
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

    def free(self) -> None:
        """Drop cached outputs and node instances (ComfyUI's /free)."""
        self.cache.clear()
        self._instances.clear()

    async def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
