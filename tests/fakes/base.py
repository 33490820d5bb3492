"""The base of every provider fake: a real aiohttp server on a loopback port with
scripted failures (status, body, headers, for the next N matching requests), an
optional delay, result files it serves itself, a log of requests, and a count of the
distinct TCP connections clients opened (to show pooling)."""
from __future__ import annotations

import asyncio
import functools
import io
import json
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import web


@dataclass
class Scripted:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    path_prefix: str = ""
    remaining: int = 1
    #: Seconds to wait before answering (a slow response).
    delay_s: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes


class FakeServer:
    def __init__(self) -> None:
        self.app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self.app.router.add_get("/files/{name}", self._serve_file)
        self.scripted: list[Scripted] = []
        self.requests: list[Seen] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self.delay_s = 0.0
        self._transports: set[int] = set()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # --- lifecycle --------------------------------------------------------------------
    async def start(self) -> str:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeServer":
        await self.start()
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.close()

    # --- scripting --------------------------------------------------------------------
    def fail_next(self, status: int, body: Any, *, times: int = 1, headers: dict[str, str] | None = None,
                  path_prefix: str = "", delay_s: float = 0.0) -> None:
        """Answer the next ``times`` requests under ``path_prefix`` with this instead."""
        self.scripted.append(Scripted(status, body, headers or {}, path_prefix, times, delay_s))

    def add_file(self, name: str, data: bytes, content_type: str) -> str:
        self.files[name] = (data, content_type)
        return f"{self.url}/files/{name}"

    @property
    def connections(self) -> int:
        """Distinct TCP connections that sent requests."""
        return len(self._transports)

    def seen(self, path_prefix: str = "") -> list[Seen]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    # --- plumbing ---------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.transport is not None:
            self._transports.add(id(request.transport))
        body = await request.read()
        self.requests.append(Seen(request.method, request.path, dict(request.headers), dict(request.query), body))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        for item in self.scripted:
            if item.remaining > 0 and request.path.startswith(item.path_prefix):
                item.remaining -= 1
                if item.delay_s:
                    await asyncio.sleep(item.delay_s)
                return _response(item.status, item.body, item.headers)
        return await handler(request)

    async def _serve_file(self, request: web.Request) -> web.Response:
        found = self.files.get(request.match_info["name"])
        if found is None:
            return web.json_response({"error": "no such file"}, status=404)
        return web.Response(body=found[0], content_type=found[1])


def _response(status: int, body: Any, headers: dict[str, str]) -> web.Response:
    if isinstance(body, (dict, list)):
        return web.Response(status=status, text=json.dumps(body), content_type="application/json", headers=headers)
    if isinstance(body, bytes):
        return web.Response(status=status, body=body, headers=headers)
    return web.Response(status=status, text=str(body), headers=headers)


def json_body(seen: Seen) -> Any:
    return json.loads(seen.body or b"null")


# --- real media bytes for results -----------------------------------------------------------

def png_bytes(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A valid PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@functools.lru_cache(maxsize=16)
def mp4_bytes(width: int = 640, height: int = 360, fps: int = 24, seconds: float = 5.0) -> bytes:
    """A real H.264 MP4 of a colour ramp (encoded once per size with PyAV), as a provider
    would return: it probes, decodes and plays."""
    import av

    frames = max(1, int(round(fps * seconds)))
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "35"}
        for index in range(frames):
            shade = int(255 * index / max(1, frames - 1))
            pixels = np.full((height, width, 3), (shade, 80, 255 - shade), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()
