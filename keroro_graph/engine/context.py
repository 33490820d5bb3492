"""NodeContext: the façade a running node talks to — progress, previews, status text,
cancellation, folders and the prompt. Nodes never import the engine; they declare a
``ctx`` parameter and receive this.

Every method is safe from the worker thread a sync node runs on as well as from the
event loop an async node runs on.
"""
from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from typing import Any, Callable, TypeVar

import numpy as np

from .. import media
from ..errors import ExecutionInterruptedError
from ..registry.env import NodeEnv, Paths
from .events import Event, NodePreview, NodeProgress, NodeText

C = TypeVar("C")

#: The context of the node running in this thread or task (for ComfyUI-style helpers).
current_context: contextvars.ContextVar["NodeContext | None"] = contextvars.ContextVar(
    "keroro_current_node_context", default=None)



class CallScope:
    """Which call of which node is running (a node runs once per list item): the
    root of the ids its expansion graphs get."""
    __slots__ = ("node_id", "index", "graphs")

    def __init__(self, node_id: str, index: int) -> None:
        self.node_id, self.index, self.graphs = node_id, index, 0


current_call: contextvars.ContextVar["CallScope | None"] = contextvars.ContextVar(
    "keroro_current_call", default=None)
_loose_graphs = [0]


def expansion_prefix() -> str:
    """A fresh id prefix for a graph a node builds to expand into, unique within the
    run and deterministic across runs: ``"<node id>.<call index>.<graph index>."``
    (ComfyUI's GraphBuilder prefixes; outside a node, ``".0.<n>."``)."""
    scope = current_call.get()
    if scope is None:
        _loose_graphs[0] += 1
        return f".0.{_loose_graphs[0] - 1}."
    scope.graphs += 1
    return f"{scope.node_id}.{scope.index}.{scope.graphs - 1}."


_PROGRESS_MIN_INTERVAL_S = 0.05
PREVIEW_MAX_SIDE = 512


class CancelToken:
    """Set once when a job is cancelled; readable from any thread."""

    def __init__(self) -> None:
        self._flag = threading.Event()
        self._waiters: list[Callable[[], object]] = []

    @property
    def cancelled(self) -> bool:
        return self._flag.is_set()

    def cancel(self) -> None:
        self._flag.set()
        for wake in self._waiters:
            wake()

    def on_cancel(self, wake: Callable[[], object]) -> Callable[[], None]:
        """Call ``wake()`` (from any thread) when cancelled; returns the remover."""
        self._waiters.append(wake)
        if self._flag.is_set():
            wake()
        return lambda: self._waiters.remove(wake) if wake in self._waiters else None


class NodeContext(NodeEnv):
    """What a node may do while it runs."""

    __slots__ = ("_emit", "_token", "_last_progress_at", "_last_fraction", "display_node_id",
                 "services", "item", "usage", "accepted")

    def __init__(self, *, paths: Paths, job_id: str, node_id: str, class_type: str,
                 prompt: dict[str, Any], extra_data: dict[str, Any],
                 emit: Callable[[Event], None], token: CancelToken,
                 display_node_id: str | None = None,
                 services: dict[str, Any] | None = None) -> None:
        super().__init__(paths=paths, node_id=node_id, class_type=class_type, prompt=prompt,
                         extra_data=extra_data, job_id=job_id)
        self._emit = emit
        self._token = token
        self._last_progress_at = 0.0
        self._last_fraction = -1.0
        self.display_node_id = display_node_id or node_id
        #: Shared objects the host offers nodes (provider clients, settings), by name.
        self.services = services or {}
        #: Which item of a batch this call is (list mapping of a paid node), else None;
        #: result files carry it so the items of one node never overwrite each other.
        self.item: int | None = None
        #: What the provider reported this call used (tokens, ...), for the spend ledger.
        self.usage: dict[str, Any] | None = None
        #: Set by ProviderClient when a create request was taken by the provider: a call
        #: that fails after that is still in the spend ledger (the provider may charge it).
        self.accepted = False

    def report_usage(self, usage: dict[str, Any]) -> None:
        """Record what the provider says this call used (its ``usage`` object); numbers
        add up over the call, the rest keeps the last value. The spend ledger stores it."""
        merged = dict(self.usage or {})
        for name, value in usage.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and isinstance(merged.get(name), (int, float)):
                merged[name] += value
            elif isinstance(value, (str, int, float, bool)) or value is None:
                merged[name] = value
        self.usage = merged

    # --- progress and previews ----------------------------------------------------
    def progress(self, value: float, max: float | None = None) -> None:  # noqa: A002
        """Report ``value`` out of ``max`` (default 100). Throttled: at most one event
        per 50 ms unless the fraction moved by 1 % or more, and always the final one."""
        self.check_cancelled()
        top = float(max) if max else 100.0
        fraction = float(value) / top if top else 0.0
        now = time.monotonic()
        if (value < top and now - self._last_progress_at < _PROGRESS_MIN_INTERVAL_S
                and abs(fraction - self._last_fraction) < 0.01):
            return
        self._last_progress_at, self._last_fraction = now, fraction
        self._emit(NodeProgress(job_id=self.job_id, node_id=self.node_id, value=float(value), max=top))

    def preview(self, image: np.ndarray | Any, *, fmt: str = "JPEG") -> None:
        """Show an in-progress picture on the node (an IMAGE batch's first frame, a
        Pillow image, or already-encoded bytes). Shrunk to 512 px on the longer side."""
        fmt = fmt.upper()
        data = image if isinstance(image, (bytes, bytearray)) else media.encode(
            image, fmt, quality=90, max_side=PREVIEW_MAX_SIDE, compress_level=1)
        self._emit(NodePreview(job_id=self.job_id, node_id=self.node_id, image_format=fmt,
                               data=bytes(data)))

    def text(self, message: str) -> None:
        """A short status line under the node ("Task in progress: 12 s")."""
        self._emit(NodeText(job_id=self.job_id, node_id=self.node_id, text=str(message)))

    # --- services --------------------------------------------------------------------
    def provider(self, client_class: type[C], *, region: str | None = None) -> C:
        """A configured, pooled client of ``client_class`` (a ProviderClient) bound to
        this node: this process's credentials and base URL for its provider (``region``
        picks one of the provider's regions unless the user set an explicit base URL),
        and retries that sleep with ``self.sleep``, so they stop when the job is
        cancelled. Nodes never pass ``sleep`` or reach into ``services``."""
        hub = self.services.get("providers")
        if hub is None:
            raise RuntimeError("no provider hub is configured in this process")
        client: C = hub.client(client_class, region=region, context=self)
        return client

    # --- cancellation ----------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._token.cancelled

    def check_cancelled(self) -> None:
        """Raise ExecutionInterruptedError if the job was cancelled; call this in loops."""
        if self._token.cancelled:
            raise ExecutionInterruptedError(f"job {self.job_id} was cancelled")

    async def sleep(self, seconds: float) -> None:
        """Sleep, but wake and raise at once if the job is cancelled."""
        self.check_cancelled()
        loop = asyncio.get_running_loop()
        woken = loop.create_future()
        remove = self._token.on_cancel(lambda: loop.call_soon_threadsafe(_settle, woken))
        try:
            await asyncio.wait_for(woken, timeout=seconds)
        except asyncio.TimeoutError:
            pass
        finally:
            remove()
        self.check_cancelled()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
