"""The WebSocket hub: the routing of job events to ``/ws?clientId=`` connections, in
ComfyUI's message set (the connections themselves are served by ws.py).

A job's events go to the client that submitted it (its ``client_id``); a job nobody
owns is broadcast (ComfyUI sends such jobs' lifecycle to no one). Queue status goes to
everyone. Each client has its own send queue and writer task, so one slow socket
never delays the others; a client that falls too far behind is disconnected (it can
reconnect and read history).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import WSCloseCode, web

from ..engine.events import (Event, JobFailed, JobRecorded, JobStarted, NodeBlocked, NodeFinished, NodePreview,
                             NodeStarted, NodeText, QueueChanged)
from ..jobs import wire
from . import messages, ws_frames

log = logging.getLogger(__name__)
_SEND_QUEUE_MAX = 10_000
#: How long a client's writer keeps gathering messages while every loop turn adds some.
_GATHER_S = 0.004
#: Messages for a client id with no socket are kept this long, this many per id, for
#: this many ids at most (oldest ids dropped first).
UNCLAIMED_GRACE_S = 10.0
UNCLAIMED_PER_CLIENT = 500
UNCLAIMED_CLIENTS = 1000
#: Events whose messages carry what nodes and providers said (the rest carry only ids).
_CARRIES_NODE_TEXT = (NodeFinished, JobFailed, NodeBlocked)


@dataclass(eq=False)
class Client:
    sid: str
    ws: web.WebSocketResponse
    metadata_previews: bool = False
    queue: asyncio.Queue[str | bytes] = field(default_factory=lambda: asyncio.Queue(_SEND_QUEUE_MAX))
    writer: asyncio.Task[None] | None = None

    def send(self, payload: str | bytes) -> None:
        try:
            self.queue.put_nowait(payload)
        except asyncio.QueueFull:
            log.warning("WebSocket client %s is too slow; disconnecting it", self.sid)
            if self.writer is not None:
                self.writer.cancel()


class Hub:
    def __init__(self, *, redact: Callable[[str], str] | None = None) -> None:
        #: Scrubs credentials out of what a node or provider said (status text, ``executed``
        #: outputs, errors) before any client sees it.
        self.redact = redact or (lambda text: text)
        self.clients: dict[str, Client] = {}
        self._owner: dict[str, str | None] = {}
        self._last_node: dict[str, str] = {}
        #: job id → its events kept back until the submitter has its answer (see hold).
        self._held: dict[str, list[Event]] = {}
        #: client id → (time, payload) sent to it while it had no socket (see attach).
        self._unclaimed: OrderedDict[str, deque[tuple[float, str | bytes]]] = OrderedDict()

    # --- answer before announcing ----------------------------------------------------
    def hold(self, job_id: str) -> None:
        """Keep ``job_id``'s events (and the queue status it causes) back until
        ``release``: ``POST /prompt`` holds a job while it is accepted and its answer is
        written, so no client hears of a job before its submitter knows its id (as in
        ComfyUI). The job runs meanwhile; only its messages wait, in order."""
        self._held.setdefault(job_id, [])

    @property
    def holding(self) -> bool:
        """Whether some job's messages are still held back (see hold)."""
        return bool(self._held)

    def release(self, job_id: str) -> None:
        """Send what ``hold`` kept back, in order; later events flow directly."""
        for event in self._held.pop(job_id, ()):
            self.on_event(event)

    # --- routing events -------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        held = self._held.get(event.job_id)
        if held is not None:
            held.append(event)
            return
        if isinstance(event, JobStarted):
            self._owner[event.job_id] = event.client_id
        if isinstance(event, NodeStarted):
            self._last_node[event.job_id] = event.node_id
        # queue status goes to everyone; a job's events to its owner (everyone if none)
        target = None if isinstance(event, QueueChanged) else self._owner.get(event.job_id)
        if isinstance(event, NodePreview):
            self._preview(event, target)
        elif isinstance(event, NodeText):
            self._to(target, messages.text_frame(event.node_id, self.redact(event.text)))
        else:  # a node that finished without ui says nothing but its id
            said = isinstance(event, _CARRIES_NODE_TEXT) and not (isinstance(event, NodeFinished) and not event.ui)
            for payload in messages.translate(event):
                self._to(target, self.redact(payload) if said else payload)
        if isinstance(event, JobRecorded):
            self._owner.pop(event.job_id, None)
            self._last_node.pop(event.job_id, None)

    def _preview(self, event: NodePreview, target: str | None) -> None:
        frames: dict[bool, bytes] = {}
        for client in self._targets(target):
            flag = client.metadata_previews
            if flag not in frames:
                frames[flag] = messages.preview_frame(event.image_format, event.data, with_metadata=flag,
                                                      job_id=event.job_id, node_id=event.node_id)
            client.send(frames[flag])

    def pack_sender(self, loop: asyncio.AbstractEventLoop) -> Any:
        """``send(event, data, sid)`` for packs' ``PromptServer.send_sync``, callable
        from any thread: JSON messages, raw binary frames, and unencoded preview
        images (encoded in the caller's thread, sent as type-1 frames)."""
        def send(event: Any, data: Any, sid: str | None = None) -> None:
            payload = messages.pack_message(event, data)
            if isinstance(payload, str):
                payload = self.redact(payload)  # a pack may echo anything it was told
            if payload is not None:
                loop.call_soon_threadsafe(self._to, sid, payload)
        return send

    def _to(self, target: str | None, payload: str | bytes) -> None:
        if target is not None and target not in self.clients:
            self._keep_unclaimed(target, payload)
            return
        for client in self._targets(target):
            client.send(payload)

    def _keep_unclaimed(self, sid: str, payload: str | bytes) -> None:
        """A client that submits and then opens its socket (comfy-script does it from
        another thread) can miss a fast job's whole life; its JSON messages wait here,
        bounded, for a socket with its id to appear within UNCLAIMED_GRACE_S (preview
        frames are not kept: they are stale by then)."""
        if isinstance(payload, bytes):
            return
        now = time.monotonic()
        kept = self._unclaimed.pop(sid, None) or deque(maxlen=UNCLAIMED_PER_CLIENT)
        kept.append((now, payload))
        self._unclaimed[sid] = kept  # most recently addressed last
        while self._unclaimed:
            oldest = next(iter(self._unclaimed.values()))
            if len(self._unclaimed) <= UNCLAIMED_CLIENTS and oldest[-1][0] >= now - UNCLAIMED_GRACE_S:
                break
            self._unclaimed.popitem(last=False)

    def _targets(self, target: str | None) -> list[Client]:
        if target is None:
            return list(self.clients.values())
        client = self.clients.get(target)
        return [client] if client is not None else []

    def running_job_of(self, sid: str) -> tuple[str, str] | None:
        """(job id, last node) of a running job that ``sid`` owns, for reconnects."""
        for job_id, owner in self._owner.items():
            if owner == sid and job_id in self._last_node:
                return job_id, self._last_node[job_id]
        return None

    # --- connections -------------------------------------------------------------------
    def attach(self, client: Client) -> None:
        old = self.clients.get(client.sid)
        if old is not None and old.writer is not None:
            old.writer.cancel()
        self.clients[client.sid] = client
        client.writer = asyncio.create_task(_write(client), name=f"ws-writer-{client.sid}")

    def claim(self, client: Client) -> None:
        """Send ``client`` what was addressed to its id in the last UNCLAIMED_GRACE_S
        while no socket had that id (after its first status message)."""
        fresh_after = time.monotonic() - UNCLAIMED_GRACE_S
        for at, payload in self._unclaimed.pop(client.sid, ()):
            if at >= fresh_after:
                client.send(payload)

    def detach(self, client: Client) -> None:
        if self.clients.get(client.sid) is client:
            del self.clients[client.sid]
        if client.writer is not None:
            client.writer.cancel()

    async def close(self, timeout_s: float = 1.0) -> None:
        """Close every socket with a going-away frame (1001), all at once; a client
        that does not answer the close within ``timeout_s`` is dropped."""
        clients = list(self.clients.values())
        closing = [asyncio.ensure_future(c.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down"))
                   for c in clients if not c.ws.closed]
        if closing:
            _done, late = await asyncio.wait(closing, timeout=timeout_s)
            for task in late:
                task.cancel()
        for client in clients:  # after the close frames: a writer cancelled first would close with 1000
            self.detach(client)


async def _write(client: Client) -> None:
    """Send the client's messages in order, many per socket write: while each turn of
    the loop adds more (a chain of quick nodes), keep gathering for up to _GATHER_S."""
    loop, queue = asyncio.get_running_loop(), client.queue
    try:
        while True:
            batch = [await queue.get()]
            deadline = loop.time() + _GATHER_S
            while True:
                while len(batch) < ws_frames.BATCH and not queue.empty():
                    batch.append(queue.get_nowait())
                if len(batch) >= ws_frames.BATCH or loop.time() >= deadline:
                    break
                await asyncio.sleep(0)  # one more turn of the loop
                if queue.empty():
                    break  # that turn said nothing more: the burst is over
            await ws_frames.send_all(client.ws, batch)
    except asyncio.CancelledError:
        if not client.ws.closed:
            await client.ws.close()
        raise
    except (ConnectionError, RuntimeError):
        pass  # the socket went away; the reader side cleans up
