"""Following one job over the server's ComfyUI WebSocket and turning its messages
into MCP progress: ``progress`` counts finished nodes (plus the running node's own
fraction) out of the graph's node count, every report is strictly larger than the
last (the spec asks for that), and a heartbeat goes out whenever nothing else has
for ``HEARTBEAT_S`` seconds, so clients that reset their timeout on progress keep
waiting. Reports are throttled to ``MAX_REPORTS_PER_S`` (the first and the last
always go out; a change held back goes out when the interval has passed), and each
names the job id, so an assistant whose own client timed out can still find the
job with get_job. The job record is polled at each heartbeat too, so a dropped socket only
slows the follow down. Knows the WebSocket message set, not the engine."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, cast

import aiohttp

from .client import KeroroClient, segment

log = logging.getLogger(__name__)

#: (progress, total, message) → a progress notification to the MCP client.
Report = Callable[[float, float | None, str], Awaitable[None]]
#: Nothing goes quiet for longer than this (the contract is at most 10 s).
HEARTBEAT_S = 5.0
#: Progress within one node is reported at most this often.
MIN_REPORT_INTERVAL_S = 0.25
#: No run sends more notifications than this per second (a 1,000-node graph
#: finishes hundreds of nodes a second).
MAX_REPORTS_PER_S = 10
FINISHED = frozenset({"success", "error", "interrupted", "cancelled"})
_STEP = 1e-3


class Progress:
    """The state of one job as its WebSocket messages describe it."""

    def __init__(self, job_id: str, graph: dict[str, Any]) -> None:
        self.job_id = job_id
        self.graph = graph
        self.total = float(max(1, len(graph)))
        self.done: set[str] = set()
        self.node: str | None = None
        self.fraction = 0.0
        self.started = False
        self.ended = False
        self.message = "queued"
        self._last = -1.0

    def apply(self, msg: dict[str, Any]) -> bool:
        """Take one message; True when it moved the job to a new node or state
        (worth reporting at once), False for fine-grained progress or other jobs."""
        kind, data = msg.get("type"), msg.get("data") or {}
        if data.get("prompt_id") != self.job_id:
            return False
        if kind == "execution_start":
            self.started, self.message = True, "started"
        elif kind == "execution_cached":
            if not data.get("nodes"):
                return False
            self.done.update(str(n) for n in data["nodes"])
            self.message = f"{len(self.done)} node(s) reused from cache"
        elif kind == "executing":
            return self._executing(data.get("node"))
        elif kind == "progress":
            self.fraction = min(1.0, float(data.get("value", 0)) / max(1.0, float(data.get("max", 1))))
            self.message = f"node {self.node} ({self.label(self.node)}): {data.get('value')}/{data.get('max')}"
            return False
        elif kind == "progress_state":
            self.done.update(n for n, s in (data.get("nodes") or {}).items() if s.get("state") == "finished")
            return False
        elif kind in ("execution_error", "execution_interrupted"):
            self.message = f"node {data.get('node_id')} ({data.get('node_type')}): {kind.removeprefix('execution_')}"
        else:
            return False
        return True

    def _executing(self, node: Any) -> bool:
        if node is None:
            self.ended, self.node, self.fraction = True, None, 0.0
            self.done.update(self.graph)
            self.message = "finished"
            return True
        self.started, self.node, self.fraction = True, str(node), 0.0
        self.message = f"running node {node} ({self.label(str(node))})"
        return True

    def label(self, node_id: str | None) -> str:
        node = self.graph.get(node_id or "") or {}
        return str(node.get("class_type", "?"))

    def next_value(self) -> float:
        """The progress to report now: never below the last one reported."""
        current = len(self.done) + (self.fraction if self.node not in self.done else 0.0)
        value = max(min(current, self.total), self._last + _STEP)
        self._last = value
        return value


async def follow(client: KeroroClient, ws: aiohttp.ClientWebSocketResponse | None, progress: Progress,
                 report: Report, *, timeout_s: float) -> dict[str, Any] | None:
    """Follow the job until it ends and return its record (``GET /api/runs/{id}``),
    or None when ``timeout_s`` runs out first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    gap_s = 1.0 / MAX_REPORTS_PER_S
    await _report(report, progress, "queued")
    last_report, held = loop.time(), False
    while True:
        now = loop.time()
        if now >= deadline:
            return None
        due = HEARTBEAT_S - (now - last_report) if not held else gap_s - (now - last_report)
        msg, ws = await _receive(ws, max(0.005, min(deadline - now, due)))
        urgent = progress.apply(msg) if msg is not None else False
        if progress.ended:
            await _report(report, progress, "finished")
            return await _record(client, progress.job_id)
        now = loop.time()
        fine = msg is not None and msg.get("type") == "progress" and now - last_report >= MIN_REPORT_INTERVAL_S
        if urgent or fine or held:
            if now - last_report >= gap_s:
                await _report(report, progress, progress.message)
                last_report, held = now, False
            else:
                held = True
        elif now - last_report >= HEARTBEAT_S:
            record = await _record(client, progress.job_id)
            if record.get("status") in FINISHED:
                return record
            await _report(report, progress, _heartbeat_text(progress, record))
            last_report = loop.time()


async def _receive(ws: aiohttp.ClientWebSocketResponse | None, wait_s: float
                   ) -> tuple[dict[str, Any] | None, aiohttp.ClientWebSocketResponse | None]:
    """The next JSON message (None on timeout or a binary frame) and the socket,
    or None for it once it has closed."""
    if ws is None:
        await asyncio.sleep(wait_s)
        return None, None
    try:
        msg = await ws.receive(timeout=wait_s)
    except asyncio.TimeoutError:
        return None, ws
    if msg.type is aiohttp.WSMsgType.TEXT:
        try:
            data = json.loads(msg.data)
        except ValueError:
            return None, ws
        return (data if isinstance(data, dict) else None), ws
    if msg.type is aiohttp.WSMsgType.BINARY:
        return None, ws
    log.info("the server's WebSocket closed (%s); following by polling", msg.type.name)
    return None, None


async def _record(client: KeroroClient, job_id: str) -> dict[str, Any]:
    return cast("dict[str, Any]", await client.get(f"/api/runs/{segment(job_id)}"))


def _heartbeat_text(progress: Progress, record: dict[str, Any]) -> str:
    status = record.get("status", "queued")
    if status == "queued":
        return "waiting in the queue"
    elapsed = record.get("duration_s")
    where = f"node {progress.node} ({progress.label(progress.node)})" if progress.node else "the job"
    return f"still running {where}" + (f", {elapsed:.0f} s so far" if isinstance(elapsed, (int, float)) else "")


async def _report(report: Report, progress: Progress, message: str) -> None:
    try:
        await report(progress.next_value(), progress.total, f"job {progress.job_id}: {message}")
    except Exception:  # a client that went away must not turn a finished run into an error
        log.debug("progress report failed", exc_info=True)
