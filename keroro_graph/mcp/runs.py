"""Submitting graphs and waiting for them: ``POST /prompt`` under a client id whose
WebSocket is already open (so no event is missed), follow the job with progress
until it ends or the caller's wait runs out, then the result, a job handle or the
server's validation errors in words. Batches submit without waiting."""
from __future__ import annotations

import uuid
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult

from .client import KeroroClient
from .context import Limits
from .follow import Progress, Report, follow
from .outputs import job_handle, job_result
from .workflows import validation_text

#: Under the ~100 s many MCP clients allow one call, leaving room for the result.
DEFAULT_WAIT_S = 85.0
MAX_WAIT_S = 3600.0


class GraphRefusedError(ToolError):
    """The server did not accept a graph; the message lists what to fix."""


async def submit(client: KeroroClient, graph: dict[str, Any], *, client_id: str | None = None,
                 extra_data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Queue ``graph``; the server's answer ``{prompt_id, number, node_errors}``.
    Raises ToolError with the validation errors in words when it is refused."""
    body: dict[str, Any] = {"prompt": graph, "extra_data": dict(extra_data or {})}
    if client_id is not None:
        body["client_id"] = client_id
    answer = await client.post("/prompt", json_body=body, allow=(400,))
    if not isinstance(answer, dict) or "prompt_id" not in answer:
        raise GraphRefusedError(validation_text(answer, graph))
    return answer


async def run_and_wait(client: KeroroClient, graph: dict[str, Any], *, report: Report, wait_s: float,
                       previews: bool = True, extra_data: dict[str, Any] | None = None,
                       limits: Limits = Limits()) -> CallToolResult:
    """Run ``graph`` and wait up to ``wait_s`` seconds: the finished job's result,
    else a job handle (0 returns the handle at once, without following)."""
    wait_s = max(0.0, min(wait_s, MAX_WAIT_S))
    client_id = f"mcp-{uuid.uuid4().hex}"
    ws = await client.websocket(client_id) if wait_s > 0 else None
    try:
        answer = await submit(client, graph, client_id=client_id, extra_data=extra_data)
        job_id = answer["prompt_id"]
        if ws is None:
            return job_handle(job_id, "queued")
        record = await follow(client, ws, Progress(job_id, graph), report, timeout_s=wait_s)
    finally:
        if ws is not None:
            await ws.close()
    if record is None:
        return job_handle(job_id, "running", waited_s=wait_s)
    result = await job_result(client, record, previews=previews, graph=graph, limits=limits)
    _note_dropped_outputs(result, answer, graph)
    return result


def _note_dropped_outputs(result: CallToolResult, answer: dict[str, Any], graph: dict[str, Any]) -> None:
    """Outputs that failed validation were skipped while the rest ran; say so."""
    if answer.get("node_errors") and result.content and getattr(result.content[0], "text", None) is not None:
        note = validation_text({"error": {"message": "some outputs were skipped"},
                                "node_errors": answer["node_errors"]}, graph)
        result.content[0].text += "\n" + note  # type: ignore[union-attr]


async def submit_batch(client: KeroroClient, graphs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Queue every graph in order and return one entry per graph:
    ``{"index", "job_id", "status"}``, or ``{"index", "error"}`` for one the server
    refused (the others still run)."""
    entries = []
    for index, graph in enumerate(graphs):
        try:
            entries.append({"index": index, "job_id": (await submit(client, graph))["prompt_id"], "status": "queued"})
        except GraphRefusedError as exc:
            entries.append({"index": index, "error": str(exc)})
    return entries
