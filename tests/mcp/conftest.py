"""A real Keroro Graph server on a loopback port (aiohttp's AppRunner, built through
the app factory from test settings with the fixture packs), the SDK's own MCP
client connected to our MCPServer in memory, and small graphs that make real
images offline (EmptyImage / ImageGradient / ImageNoise → SaveImage) or sleep,
fail and report progress (the test pack)."""
from __future__ import annotations

import asyncio
import base64
import io
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from mcp import Client
from mcp_types import CallToolResult, ImageContent, TextContent
from PIL import Image

from keroro_graph.mcp import build_server
from keroro_graph.mcp.command import remote
from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings


@asynccontextmanager
async def keroro_server(settings: Settings, registry: Any) -> AsyncIterator[str]:
    """Serve ``create_app(settings)`` on a free loopback port; yields its base URL."""
    runner = web.AppRunner(create_app(settings, registry=registry), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def keroro(settings: Settings, registry: Any) -> AsyncIterator[str]:
    async with keroro_server(settings, registry) as url:
        yield url


@asynccontextmanager
async def mcp_client(url: str, token: str | None = None) -> AsyncIterator[Client]:
    """The SDK's client connected in memory to ``build_server`` for ``url``. (A
    context manager, not a fixture: the SDK's task groups must be left in the task
    that entered them.)"""
    async with Client(build_server(remote(url, token))) as client:
        yield client


class ProgressLog:
    """A progress callback that records every notification."""

    def __init__(self) -> None:
        self.items: list[tuple[float, float | None, str | None]] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.items.append((progress, total, message))

    @property
    def messages(self) -> list[str]:
        return [m or "" for _, _, m in self.items]

    def assert_increasing(self) -> None:
        values = [p for p, _, _ in self.items]
        assert values == sorted(values) and len(set(values)) == len(values), values


def text_of(result: CallToolResult) -> str:
    first = result.content[0]
    assert isinstance(first, TextContent), result.content
    return first.text


def images_of(result: CallToolResult) -> list[tuple[Image.Image, int, str]]:
    """Every inline image: (decoded image, its size in bytes, MIME type)."""
    found = []
    for block in result.content:
        if isinstance(block, ImageContent):
            data = base64.b64decode(block.data)
            found.append((Image.open(io.BytesIO(data)), len(data), block.mime_type))
    return found


def gradient(width: int = 640, height: int = 480, prefix: str = "mcp/gradient") -> dict[str, Any]:
    return {"1": {"class_type": "ImageGradient", "_meta": {"title": "Background"},
                  "inputs": {"width": width, "height": height, "color_start": "#102030",
                             "color_end": "#f0a000", "direction": "diagonal"}},
            "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": prefix}}}


def sleeper(seconds: float, value: int = 7) -> dict[str, Any]:
    return {"1": {"class_type": "TestConst", "inputs": {"value": value}},
            "2": {"class_type": "TestSleep", "_meta": {"title": "Nap"},
                  "inputs": {"value": ["1", 0], "seconds": seconds}},
            "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}


def failing(message: str = "the lens cap is on") -> dict[str, Any]:
    return {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
            "2": {"class_type": "TestFail", "inputs": {"value": ["1", 0], "message": message}},
            "3": {"class_type": "TestOutput", "inputs": {"source": ["2", 0]}}}


async def wait_for_status(client: Client, job_id: str, statuses: set[str], timeout_s: float = 20) -> dict[str, Any]:
    """Poll get_job until the job's status is one of ``statuses``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        result = await client.call_tool("get_job", {"job_id": job_id})
        facts = result.structured_content or {}
        if facts.get("status") in statuses:
            return facts
        assert loop.time() < deadline, f"job {job_id} stayed {facts.get('status')}"
        await asyncio.sleep(0.05)
