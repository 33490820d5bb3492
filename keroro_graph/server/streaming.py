"""JSON answers that may be large (history and queue entries carry whole prompts): small
ones go out as one ``json_response``; large ones are encoded in pieces in a worker
thread and streamed, so neither the encoding nor the sending holds the event loop."""
from __future__ import annotations

import asyncio
from typing import Any, Callable

from aiohttp import web

from .. import jsonpieces
from ..heap import large_work

#: Nodes (summed over the prompts and outputs an answer carries) from which it streams.
LARGE_NODES = 2000


def carried_nodes(*docs: Any) -> int:
    """How many members the prompts/outputs in ``docs`` hold (a cheap size estimate)."""
    return sum(len(doc) for doc in docs if isinstance(doc, (dict, list)))


async def json_answer(request: web.Request, body: Any, *, nodes: int, depth: int = 5,
                      status: int = 200) -> web.StreamResponse:
    """``body`` as JSON; streamed from a worker thread when it carries ``nodes`` ≥ LARGE_NODES."""
    if nodes < LARGE_NODES:
        return web.json_response(body, status=status)
    response = web.StreamResponse(status=status, headers={"Content-Type": "application/json; charset=utf-8"})
    await response.prepare(request)
    chunks = jsonpieces.chunks(body, depth=depth)
    while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
        await response.write(chunk)
    await response.write_eof()
    return response


async def redacted_answer(request: web.Request, body: Any, *, nodes: int, redact: Callable[[Any], Any],
                          status: int = 200) -> web.StreamResponse:
    """``json_answer`` of ``redact(body)``; a large body is scrubbed in a worker thread
    (the copy it makes is a large document: see keroro_graph/heap.py)."""
    if nodes < LARGE_NODES:
        return web.json_response(redact(body), status=status)

    def scrub() -> Any:
        with large_work():
            return redact(body)
    return await json_answer(request, await asyncio.to_thread(scrub), nodes=nodes, status=status)
