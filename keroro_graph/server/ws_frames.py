"""Many WebSocket messages in one socket write.

A job's events become several messages per node; sending each with its own
``send_str`` costs one ``send()`` system call apiece, which was the largest single
cost of a long chain over the WebSocket. A client's writer takes every message that is
waiting and writes their frames in one go, in order (uncompressed: RFC 7692 lets a
sender leave any message uncompressed even when permessage-deflate was agreed).
"""
from __future__ import annotations

import struct
from typing import Any

from aiohttp import web

#: Messages written at most per socket write.
BATCH = 256


def frame(payload: str | bytes) -> bytes:
    """One final, unmasked, uncompressed text (str) or binary (bytes) frame."""
    data, first = (payload, 0x82) if isinstance(payload, bytes) else (payload.encode("utf-8"), 0x81)
    size = len(data)
    if size < 126:
        return struct.pack("!BB", first, size) + data
    if size < 65536:
        return struct.pack("!BBH", first, 126, size) + data
    return struct.pack("!BBQ", first, 127, size) + data


def _raw_writer(ws: web.WebSocketResponse) -> Any:
    """aiohttp's frame writer when it can take our frames (a server socket, the writer
    shape this was written against); None otherwise (then each message is sent alone)."""
    writer = getattr(ws, "_writer", None)
    protocol = getattr(writer, "protocol", None)
    if writer is None or getattr(writer, "use_mask", True) or getattr(writer, "transport", None) is None \
            or not hasattr(protocol, "_drain_helper") or not hasattr(protocol, "_paused"):
        return None
    return writer


async def send_all(ws: web.WebSocketResponse, payloads: list[str | bytes]) -> None:
    """Send ``payloads`` in order; several in one write when the socket allows it.
    Raises ConnectionError when the socket is closing (as aiohttp's send does)."""
    writer = _raw_writer(ws) if len(payloads) > 1 else None
    if writer is None:
        for payload in payloads:
            if isinstance(payload, bytes):
                await ws.send_bytes(payload)
            else:
                await ws.send_str(payload)
        return
    if ws.closed or writer.transport.is_closing():
        raise ConnectionResetError("Cannot write to closing transport")
    writer.transport.write(b"".join(frame(p) for p in payloads))
    if writer.protocol._paused:  # the socket's buffer is full: wait, as aiohttp's send does
        await writer.protocol._drain_helper()
