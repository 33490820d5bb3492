"""``POST /prompt`` answers before the WebSocket says anything about that job (ComfyUI's
order; comfy-script and other clients that read the prompt id from the answer and then
match WebSocket messages against it hang otherwise), for the embedded store and for a
Redis queue, whether the job runs here or in another process."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from keroro_graph.registry.registry import Registry
from keroro_graph.runtime import build_runtime
from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings
from tests.jobs.redis_server import RedisServer

ROUNDS = 30


def graph(value: int) -> dict[str, Any]:
    return {"1": {"class_type": "TestConst", "inputs": {"value": value}},
            "2": {"class_type": "TestOutput", "inputs": {"source": ["1", 0]}}}


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["embedded", "redis", "redis-remote-worker"])
async def base_url(request: pytest.FixtureRequest, tmp_path: Path, registry: Registry) -> AsyncIterator[str]:
    extra: dict[str, Any] = {}
    worker = None
    if request.param != "embedded":
        redis = request.getfixturevalue("redis_server")
        extra["queue_url"] = f"{redis.url}?prefix=t{tmp_path.name[-8:]}&claim_idle_s=5"
    if request.param == "redis-remote-worker":
        extra["run_workers"] = False
        worker = build_runtime(Settings(user_dir=tmp_path / "worker", queue_url=extra["queue_url"]),
                               registry=registry)
        await worker.start()
    settings = Settings(user_dir=tmp_path / "user", **extra)
    server = TestServer(create_app(settings, registry=registry))
    await server.start_server()
    try:
        yield str(server.make_url(""))
    finally:
        await server.close()
        if worker is not None:
            await worker.close()


async def test_no_message_of_a_job_arrives_before_its_answer(base_url: str) -> None:
    seen: list[tuple[str, str, str]] = []  # (what, prompt id, message type) in arrival order
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(f"{base_url}/ws?clientId=client-1")
        done: dict[str, asyncio.Event] = {}

        async def read() -> None:
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                prompt_id = data["data"].get("prompt_id")
                if prompt_id:
                    seen.append(("ws", prompt_id, data["type"]))
                    if data["type"] == "executing" and data["data"]["node"] is None:
                        done.setdefault(prompt_id, asyncio.Event()).set()
        reader = asyncio.create_task(read())

        ids = []
        for i in range(ROUNDS):  # 3 distinct graphs: most runs are fully cached ones
            async with session.post(f"{base_url}/prompt",
                                    json={"prompt": graph(i % 3), "client_id": "client-1"}) as response:
                mark = len(seen)  # the answer is here: what the socket said so far came before it
                body = await response.json()
            assert response.status == 200, body
            seen.insert(mark, ("answer", body["prompt_id"], ""))
            ids.append(body["prompt_id"])
        for prompt_id in ids:
            await asyncio.wait_for(done.setdefault(prompt_id, asyncio.Event()).wait(), 20)
        reader.cancel()
        await ws.close()

    early = []
    for prompt_id in ids:
        order = [what for what, pid, _ in seen if pid == prompt_id]
        if order[0] != "answer":
            early.append((prompt_id, [t for what, pid, t in seen if pid == prompt_id][:order.index("answer")]))
    assert early == [], f"{len(early)} of {ROUNDS} jobs were announced before their answer: {early[:3]}"
    # and each job's own messages still end with ComfyUI's final executing {node: null}
    for prompt_id in ids:
        types = [t for what, pid, t in seen if pid == prompt_id and what == "ws"]
        assert types[0] == "execution_start" and types[-1] == "executing", types
