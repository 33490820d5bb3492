"""JSON answers that may be large (history and queue entries carry whole prompts): small
ones go out as one ``json_response``; large ones are encoded in pieces in a worker
thread and streamed, so neither the encoding nor the sending holds the event loop.

Freeing a large answer (and the job records it was made from) is itself 100+ ms of one
C call on whichever thread drops the last reference, which would be the event loop when
the handler returns. ``sole_answer`` takes those references from the handler in a list
and, once the answer is sent, frees them in a background thread (heap.release)."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

from aiohttp import web

from .. import jsonpieces
from ..heap import large_work, release

#: Nodes (summed over the prompts and outputs an answer carries) from which it streams.
LARGE_NODES = 2000
#: Bytes written to the socket at a time when streaming text already encoded.
_WRITE = 1 << 18
_JSON = "application/json; charset=utf-8"


def carried_nodes(*docs: Any) -> int:
    """How many members the prompts/outputs in ``docs`` hold (a cheap size estimate)."""
    return sum(len(doc) for doc in docs if isinstance(doc, (dict, list)))


async def sole_answer(request: web.Request, held: list[Any], *, nodes: int, depth: int = 5,
                      status: int = 200) -> web.StreamResponse:
    """``held[0]`` as JSON; streamed from a worker thread when it carries ``nodes`` ≥
    LARGE_NODES. ``held`` holds the body and whatever else large the
    handler made it from (job records); the caller keeps no other reference to them
    (``del`` its locals), so that, once a large answer is sent, they are freed off the
    loop. ``held`` is emptied."""
    if nodes < LARGE_NODES:
        small = web.json_response(held[0], status=status)
        held.clear()
        return small
    response = web.StreamResponse(status=status, headers={"Content-Type": _JSON})
    chunks = None
    try:
        await response.prepare(request)
        chunks = jsonpieces.chunks(held[0], depth=depth)
        with large_work():  # encoding in a thread: the loop gets the GIL back sooner (heap.py)
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                await response.write(chunk)
        await response.write_eof()
    finally:
        del chunks
        release(held)
    return response


async def redacted_answer(request: web.Request, held: list[Any], *, nodes: int, redact: Callable[[Any], Any],
                          status: int = 200) -> web.StreamResponse:
    """``sole_answer`` of ``redact(held[0])``; a large body is scrubbed in a worker thread
    (the copy it makes is a large document: see keroro_graph/heap.py)."""
    if nodes < LARGE_NODES:
        small = web.json_response(redact(held[0]), status=status)
        held.clear()
        return small

    def checked_text() -> list[bytes] | None:
        """The body's JSON text, encoded once: its chunks when none may hold a secret (a
        string never spans two chunks), else None (then the body is scrubbed first)."""
        with large_work():
            out = []
            try:
                for text in jsonpieces.text_chunks(held[0], 5, _WRITE, ensure_ascii=False):
                    if redact(text) is not text:
                        return None
                    out.append(text.encode("utf-8"))
            except (TypeError, ValueError):  # a value JSON cannot hold, a lone surrogate
                return None
            return out
    text = await asyncio.to_thread(checked_text)
    if text is not None:
        try:
            return await _stream(request, text, status)
        finally:
            release(held)

    def scrub() -> Any:
        with large_work():
            return redact(held[0])
    held.insert(0, await asyncio.to_thread(scrub))
    return await sole_answer(request, held, nodes=nodes, status=status)


async def stored_answer(request: web.Request, entries: list[tuple[str, list[bytes]]]) -> web.StreamResponse:
    """The JSON object ``{key: entry}`` whose entries are already JSON text (byte pieces
    of stored documents, see JobBackend.list_text): nothing is decoded or encoded, and a
    large answer is streamed as it is."""
    pieces = [b"{"]
    for index, (key, entry) in enumerate(entries):
        pieces += [b"," if index else b"", json.dumps(key).encode(), b":", *entry]
    pieces.append(b"}")
    return await text_answer(request, pieces)


async def text_answer(request: web.Request, pieces: list[bytes]) -> web.StreamResponse:
    """An answer whose JSON text is ``pieces``: one response when small, else streamed."""
    if sum(map(len, pieces)) < _WRITE:
        return web.Response(body=b"".join(pieces), headers={"Content-Type": _JSON})
    return await _stream(request, pieces, 200)


async def _stream(request: web.Request, pieces: list[bytes], status: int) -> web.StreamResponse:
    """``pieces`` (JSON text) streamed, a few hundred kB per write."""
    response = web.StreamResponse(status=status, headers={"Content-Type": _JSON})
    await response.prepare(request)
    buffer: list[bytes] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= _WRITE:
            await response.write(b"".join(buffer) if len(buffer) > 1 else buffer[0])
            buffer, size = [], 0
    if buffer:
        await response.write(b"".join(buffer))
    await response.write_eof()
    return response
