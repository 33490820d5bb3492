"""A real Keroro Graph server on a loopback port (pytest-aiohttp's TestServer binds a
real socket), built through the app factory from test settings, and a real
HTTP/WebSocket client for it."""
from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings


@pytest.fixture
async def client(settings: Settings, registry, aiohttp_client) -> TestClient:
    return await aiohttp_client(create_app(settings, registry=registry))


class Socket:
    """A ComfyUI-style WebSocket client that records every message it receives."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.messages: list[dict[str, Any]] = []
        self.frames: list[bytes] = []
        #: "binary" or the JSON message type, in arrival order.
        self.sequence: list[str] = []

    async def next(self, timeout_s: float = 10.0) -> dict[str, Any] | bytes:
        msg = await self.ws.receive(timeout=timeout_s)
        if msg.type.name == "BINARY":
            self.frames.append(msg.data)
            self.sequence.append("binary")
            return msg.data
        if msg.type.name != "TEXT":
            raise ConnectionError(f"socket closed ({msg.type.name})")
        data = json.loads(msg.data)
        self.messages.append(data)
        self.sequence.append(data["type"])
        return data

    async def until(self, predicate: Any, timeout_s: float = 10.0) -> dict[str, Any]:
        """Read until a JSON message matches ``predicate``; returns it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            item = await self.next(max(0.01, deadline - loop.time()))
            if isinstance(item, dict) and predicate(item):
                return item

    async def until_done(self, prompt_id: str, timeout_s: float = 10.0) -> dict[str, Any]:
        """ComfyUI's client pattern: wait for ``executing`` with node null."""
        return await self.until(lambda m: m["type"] == "executing" and m["data"]["node"] is None
                                and m["data"].get("prompt_id") == prompt_id, timeout_s)

    def types(self, prompt_id: str | None = None) -> list[str]:
        return [m["type"] for m in self.messages
                if prompt_id is None or m["data"].get("prompt_id") in (prompt_id, None)]


@pytest.fixture
async def socket(client: TestClient) -> AsyncIterator[Socket]:
    ws = await client.ws_connect("/ws?clientId=tester")
    sock = Socket(ws)
    first = await sock.next()
    assert first["type"] == "status" and first["data"]["sid"] == "tester"
    sock.messages.clear()
    sock.sequence.clear()
    yield sock
    await ws.close()
