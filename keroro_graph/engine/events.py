"""Typed events and the in-process bus they travel on.

The engine and the job service publish; the WebSocket hub, the job store, the CLI
progress display and the MCP wrapper subscribe. Each event is small and
constant-size (no whole-graph state). ``publish`` is safe from any thread: calls from
a worker thread hop onto the loop that owns the bus.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

log = logging.getLogger(__name__)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    job_id: str
    timestamp_ms: int = field(default_factory=now_ms)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobQueued(Event):
    number: float


@dataclass(frozen=True, slots=True, kw_only=True)
class JobStarted(Event):
    #: Who submitted the job (its events go to that WebSocket client), if anyone.
    client_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NodesCached(Event):
    node_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeStarted(Event):
    node_id: str
    display_node_id: str
    class_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeProgress(Event):
    node_id: str
    value: float
    max: float


@dataclass(frozen=True, slots=True, kw_only=True)
class NodePreview(Event):
    node_id: str
    image_format: str  # "JPEG" | "PNG"
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeText(Event):
    node_id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeFinished(Event):
    node_id: str
    display_node_id: str
    class_type: str
    ui: dict[str, Any] | None
    cached: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeBlocked(Event):
    """An ExecutionBlocker with a message stopped this node; the job goes on."""

    node_id: str
    class_type: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeStored(Event):
    """A paid node's calls were served from the paid-result store: ``items`` of
    ``total`` calls, nothing paid for them."""

    node_id: str
    class_type: str
    items: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PaidCallMade(Event):
    """A paid node called its provider once (call ``item`` of ``total``); ``inputs`` are
    the constant inputs its price reads, ``usage`` what the provider reported, if any.
    ``status`` is "succeeded", or — for a call the provider accepted that then gave no
    result, which it may still charge — "failed", "timed_out", "cancelled" or
    "uncertain" (the create's answer was lost)."""

    node_id: str
    class_type: str
    item: int
    total: int
    inputs: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] | None = None
    status: str = "succeeded"


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemFailed(Event):
    """One item of a batch failed at this node; the other items go on."""

    node_id: str
    class_type: str
    item: int
    total: int
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSucceeded(Event):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class JobFailed(Event):
    node_id: str
    class_type: str
    exception_type: str
    message: str
    traceback: tuple[str, ...] = ()
    executed: tuple[str, ...] = ()
    current_inputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobInterrupted(Event):
    node_id: str | None
    class_type: str | None
    executed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class JobCancelled(Event):
    """A queued job was removed before it started."""


@dataclass(frozen=True, slots=True, kw_only=True)
class JobRecorded(Event):
    """The job's outcome is in the store (history can be read); the last event of a job."""

    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueChanged(Event):
    """The number of queued plus running jobs changed (job_id is the cause, if any)."""

    queue_remaining: int


Subscriber = Callable[[Event], None]


class EventBus:
    """Fan-out of events to subscribers on the owning event loop."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver events on ``loop``; called by whoever runs the engine."""
        self._loop, self._thread = loop, threading.get_ident()

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Call ``fn(event)`` for every event (on the loop thread; it must not block).
        Returns the function that unsubscribes."""
        self._subscribers = [*self._subscribers, fn]

        def unsubscribe() -> None:
            self._subscribers = [s for s in self._subscribers if s is not fn]
        return unsubscribe

    def publish(self, event: Event) -> None:
        if self._loop is not None and threading.get_ident() != self._thread:
            try:
                self._loop.call_soon_threadsafe(self._dispatch, event)
            except RuntimeError:  # loop closed: nobody is listening any more
                pass
            return
        self._dispatch(event)

    def _dispatch(self, event: Event) -> None:
        for fn in self._subscribers:
            try:
                fn(event)
            except Exception:
                log.exception("event subscriber %r failed on %s", fn, type(event).__name__)

    @contextlib.asynccontextmanager
    async def stream(self, job_id: str | None = None) -> AsyncIterator[AsyncIterator[Event]]:
        """``async with bus.stream(job) as events: async for e in events: ...``"""
        queue: asyncio.Queue[Event] = asyncio.Queue()

        def put(event: Event) -> None:
            if job_id is None or event.job_id == job_id:
                queue.put_nowait(event)
        unsubscribe = self.subscribe(put)

        async def iterate() -> AsyncIterator[Event]:
            while True:
                yield await queue.get()
        try:
            yield iterate()
        finally:
            unsubscribe()
