"""Job events and interrupts across processes, through Redis pub/sub.

``RedisRelay`` joins one process's event bus to every other process's on the same
queue: each event this process publishes itself (engine and service events of the
jobs it runs, its submits and queue changes) goes out on the job's own channel
``<prefix>:events:<job id>`` in the order it was published, and every event another
process sent is published on the local bus, so the WebSocket hub, ``JobService.wait``
and the metrics see a remote job exactly as a local one. Each message carries its
sender's origin id: a process drops its own messages when they come back, and never
forwards an event it injected itself. Interrupt requests travel on
``<prefix>:control`` and are handed to ``on_interrupt`` in every process (it
interrupts the job if that process runs it). Pub/sub is fire-and-forget: a server
that is down misses live events, and reads the outcome from the job store instead.
It knows the events' dataclasses but nothing of the engine's workings or of HTTP.
"""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
import uuid
from typing import Any, Callable

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from keroro_graph.engine import events as ev
from keroro_graph.jobs.redis_client import connect, follow

log = logging.getLogger(__name__)

_OUTBOX_MAX = 100_000
_BATCH = 256
EVENT_TYPES: dict[str, type[ev.Event]] = {
    cls.__name__: cls for cls in vars(ev).values()
    if isinstance(cls, type) and issubclass(cls, ev.Event) and cls is not ev.Event}


def encode_event(event: ev.Event, origin: str) -> str:
    """``{"o": origin, "t": type, "f": fields}`` as JSON; bytes travel as base64."""
    fields = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        fields[f.name] = base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
    return json.dumps({"o": origin, "t": type(event).__name__, "f": fields},
                      separators=(",", ":"), default=str)


def decode_event(text: str | bytes) -> tuple[str, ev.Event] | None:
    """(origin, event) from encode_event's JSON; None for an unknown event type
    (a newer peer) or a malformed message."""
    try:
        doc = json.loads(text)
        cls = EVENT_TYPES.get(doc["t"])
        if cls is None:
            return None
        fields = dict(doc["f"])
        for f in dataclasses.fields(cls):
            if f.name not in fields:
                continue
            if f.type == "bytes":
                fields[f.name] = base64.b64decode(fields[f.name])
            elif str(f.type).startswith("tuple") and isinstance(fields[f.name], list):
                fields[f.name] = tuple(fields[f.name])
        return str(doc["o"]), cls(**fields)
    except (ValueError, KeyError, TypeError):
        log.warning("dropped a malformed job event from Redis: %.200r", text)
        return None


class RedisRelay:
    """Carries ``bus``'s events and interrupt requests to and from the other processes
    on the queue at ``url`` under ``prefix``. ``on_interrupt(job_id)`` is called for
    each interrupt request another process sends (set it before ``start``)."""

    def __init__(self, url: str, *, prefix: str, bus: ev.EventBus,
                 on_interrupt: Callable[[str], Any] | None = None, origin: str | None = None) -> None:
        self.url, self.prefix, self.bus = url, prefix, bus
        self.on_interrupt = on_interrupt
        self.origin = origin or uuid.uuid4().hex
        self._redis: aioredis.Redis | None = None
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue(_OUTBOX_MAX)
        self._injecting: ev.Event | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def control_channel(self) -> str:
        return f"{self.prefix}:control"

    def channel(self, job_id: str) -> str:
        return f"{self.prefix}:events:{job_id}"

    async def start(self) -> None:
        """Subscribe (before returning, so nothing sent afterwards is missed) and start
        relaying. Raises redis' ConnectionError when Redis cannot be reached."""
        self._redis = connect(self.url)
        pubsub = await self._subscribe()
        self._unsubscribe = self.bus.subscribe(self._on_local)
        self._tasks = [asyncio.create_task(self._listen(pubsub), name="redis-relay-in"),
                       asyncio.create_task(self._send(), name="redis-relay-out")]

    async def stop(self, flush_timeout_s: float = 5.0) -> None:
        """Stop listening; send what is still queued (for up to ``flush_timeout_s``)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._tasks:
            try:
                async with asyncio.timeout(flush_timeout_s):
                    await self._outbox.join()
            except TimeoutError:
                log.warning("%d job event(s) not sent to Redis at shutdown", self._outbox.qsize())
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    def request_interrupt(self, job_id: str) -> None:
        """Ask every process to interrupt ``job_id`` (the one running it will)."""
        self._queue(self.control_channel, json.dumps({"o": self.origin, "interrupt": job_id}))

    def is_relayed(self, event: ev.Event) -> bool:
        """Whether ``event`` is being delivered from another process right now (a
        subscriber that records, such as the spend ledger, leaves those to their origin)."""
        return event is self._injecting

    # --- out -------------------------------------------------------------------------
    def _on_local(self, event: ev.Event) -> None:
        if event is self._injecting:
            return  # it came from Redis: sending it back would echo it forever
        self._queue(self.channel(event.job_id), encode_event(event, self.origin))

    def _queue(self, channel: str, payload: str) -> None:
        try:
            self._outbox.put_nowait((channel, payload))
        except asyncio.QueueFull:
            log.warning("Redis event outbox full; dropped an event for %s", channel)

    async def _send(self) -> None:
        """One sender, so events leave in the order they were published; a batch is one
        pipelined round trip. A failed batch is retried until Redis is back."""
        while True:
            batch = [await self._outbox.get()]
            while len(batch) < _BATCH and not self._outbox.empty():
                batch.append(self._outbox.get_nowait())
            while True:
                try:
                    assert self._redis is not None, "started"
                    pipe = self._redis.pipeline(transaction=False)
                    for channel, payload in batch:
                        pipe.publish(channel, payload)
                    await pipe.execute()
                    break
                except (RedisError, OSError) as exc:
                    log.warning("could not send %d job event(s) to Redis (%s); retrying",
                                len(batch), exc)
                    await asyncio.sleep(0.5)
            for _ in batch:
                self._outbox.task_done()

    # --- in --------------------------------------------------------------------------
    async def _subscribe(self) -> Any:
        assert self._redis is not None, "started"
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.psubscribe(self.channel("*"))
        await pubsub.subscribe(self.control_channel)
        return pubsub

    async def _listen(self, pubsub: Any) -> None:
        await follow(pubsub, self._subscribe, self._receive)

    def _receive(self, message: dict[str, Any]) -> None:
        if message.get("type") not in ("message", "pmessage"):
            return
        if message["channel"] == self.control_channel:
            self._control(message["data"])
            return
        decoded = decode_event(message["data"])
        if decoded is None or decoded[0] == self.origin:
            return
        self._injecting = decoded[1]
        try:
            self.bus.publish(decoded[1])  # dispatched synchronously on this loop's thread
        finally:
            self._injecting = None

    def _control(self, data: str) -> None:
        try:
            doc = json.loads(data)
        except ValueError:
            return
        if doc.get("o") != self.origin and doc.get("interrupt") and self.on_interrupt is not None:
            self.on_interrupt(str(doc["interrupt"]))
