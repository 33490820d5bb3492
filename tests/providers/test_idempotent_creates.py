"""Requests that start paid work (``ProviderClient.request(create=True)`` and every
streamed chat) are sent again only when the provider certainly did not take them: a
refused connection or a rate limit. A 5xx, a timeout or a dropped connection after
sending fails as AmbiguousCreateError naming the doubt, with exactly one request at the
provider. Queries (create=False) keep retrying 5xx."""
from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest
from aiohttp import web

from keroro_graph.api import AmbiguousCreateError, OpenAICompatClient
from keroro_graph.providers import RateLimitedError, RetryPolicy
from tests.fakes.base import FakeServer

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_total_s=5)
KEY = "sk-idem-0123456789abcdef"


class Provider(FakeServer):
    """Answers ``POST /v1/tasks`` with a task id and ``POST /v1/chat/completions`` with a
    two-piece SSE stream; ``mode`` scripts the first answers: "500", "429", "hang",
    "drop" (close the connection without answering) or "drop_stream" (200, then close
    before the first piece)."""

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        self.port = port
        self.modes: list[str] = []
        self.app.router.add_post("/v1/tasks", self.tasks)
        self.app.router.add_get("/v1/tasks/1", self.tasks)
        self.app.router.add_post("/v1/chat/completions", self.chat)

    async def start(self) -> str:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.url = f"http://127.0.0.1:{self.port}"
        return self.url

    async def scripted_failure(self, request: web.Request) -> web.StreamResponse | None:
        mode = self.modes.pop(0) if self.modes else ""
        if mode == "500":
            return web.json_response({"error": {"message": "internal hiccup"}}, status=500)
        if mode == "429":
            return web.json_response({"error": {"message": "slow down"}}, status=429, headers={"Retry-After": "0"})
        if mode == "hang":
            await asyncio.sleep(1)
        if mode == "drop":
            assert request.transport is not None
            request.transport.close()
            await asyncio.sleep(0.5)
        if mode == "drop_stream":
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            assert request.transport is not None
            request.transport.close()
            return response
        return None

    async def tasks(self, request: web.Request) -> web.StreamResponse:
        return await self.scripted_failure(request) or web.json_response({"task_id": "1"})

    async def chat(self, request: web.Request) -> web.StreamResponse:
        failure = await self.scripted_failure(request)
        if failure is not None:
            return failure
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for piece in ("hello", " there"):
            await response.write(f'data: {{"choices": [{{"delta": {{"content": "{piece}"}}}}]}}\n\n'.encode())
        await response.write(b"data: [DONE]\n\n")
        return response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def provider():
    server = Provider(free_port())
    yield server
    await server.close()


def client(provider: Provider, timeout_s: float = 5.0) -> OpenAICompatClient:
    http = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s))
    return OpenAICompatClient(http=http, base_url=f"http://127.0.0.1:{provider.port}/v1",
                              secrets={"api_key": KEY}, retry=FAST)


def comes_up(provider: Provider):
    """A retry sleep during which the provider starts listening: the first attempt met
    a closed port (connection refused), the next finds it up."""
    async def sleep(seconds: float) -> None:
        if provider._runner is None:
            await provider.start()
        await asyncio.sleep(min(seconds, 0.01))
    return sleep


async def test_a_create_refused_at_connect_is_sent_when_the_provider_comes_up(provider: Provider):
    answer = await client(provider).request("POST", "/tasks", json={"p": 1}, create=True, sleep=comes_up(provider))
    assert answer == {"task_id": "1"} and len(provider.seen("/v1/tasks")) == 1


async def test_a_rate_limited_create_is_retried(provider: Provider):
    await provider.start()
    provider.modes = ["429", "429"]
    assert await client(provider).request("POST", "/tasks", json={}, create=True) == {"task_id": "1"}
    assert len(provider.seen("/v1/tasks")) == 3


@pytest.mark.parametrize("mode, said", [("500", "internal hiccup"), ("hang", "timed out"), ("drop", "failed")])
async def test_a_create_that_failed_after_sending_is_not_sent_again(provider: Provider, mode: str, said: str):
    await provider.start()
    provider.modes = [mode]
    with pytest.raises(AmbiguousCreateError) as caught:
        await client(provider, timeout_s=0.3).request("POST", "/tasks", json={}, create=True)
    message = str(caught.value)
    assert said in message and "may have accepted it" in message and "console" in message
    assert "POST /v1/tasks" in message and KEY not in message
    await asyncio.sleep(0.1)
    assert len(provider.seen("/v1/tasks")) == 1


async def test_a_query_is_retried_after_a_5xx(provider: Provider):
    await provider.start()
    provider.modes = ["500"]
    assert await client(provider).request("GET", "/tasks/1") == {"task_id": "1"}
    assert len(provider.seen("/v1/tasks")) == 2


async def test_a_streamed_chat_follows_the_same_rule(provider: Provider):
    chat = client(provider, timeout_s=0.3)
    messages: list[dict[str, Any]] = [{"role": "user", "content": "hi"}]
    result = await chat.chat_stream("m", messages, sleep=comes_up(provider))  # refused at connect: sent later
    assert result.text == "hello there" and len(provider.seen("/v1/chat")) == 1
    provider.modes = ["429"]
    assert (await chat.chat_stream("m", messages)).text == "hello there"
    assert len(provider.seen("/v1/chat")) == 3
    for mode in ("500", "hang", "drop", "drop_stream"):
        before = len(provider.seen("/v1/chat"))
        provider.modes = [mode]
        with pytest.raises(AmbiguousCreateError, match="may have accepted it"):
            await chat.chat_stream("m", messages)
        await asyncio.sleep(0.1)
        assert len(provider.seen("/v1/chat")) == before + 1, mode


async def test_rate_limits_still_give_up_after_the_policy(provider: Provider):
    await provider.start()
    provider.modes = ["429"] * 5
    with pytest.raises(RateLimitedError):
        await client(provider).request("POST", "/tasks", json={}, create=True)
    assert len(provider.seen("/v1/tasks")) == FAST.max_attempts

