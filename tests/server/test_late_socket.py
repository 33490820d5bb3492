"""A client that submits first and opens its WebSocket after (comfy-script does it
from another thread) still hears its job — the messages addressed to its id while
it had no socket are kept briefly and sent when it connects, in order, after the
first status message; preview frames and other clients' messages are not."""
from __future__ import annotations

import asyncio
import json

import pytest

from aiohttp.test_utils import TestClient

from keroro_graph.server.keys import HUB, RUNTIME
from keroro_graph.server.ws import UNCLAIMED_CLIENTS, Hub
from tests.conftest import chain, until


async def test_a_late_socket_hears_its_finished_job(client: TestClient) -> None:
    resp = await client.post("/prompt", json={"prompt": chain(2), "client_id": "late"})
    prompt_id = (await resp.json())["prompt_id"]
    await client.app[RUNTIME].jobs.wait(prompt_id, timeout_s=20)
    await until(lambda: not client.app[HUB].holding)  # its messages follow the answer by a grace
    other = await client.ws_connect("/ws?clientId=someone-else")
    assert json.loads((await other.receive()).data)["type"] == "status"

    ws = await client.ws_connect("/ws?clientId=late")
    seen = []
    while not (seen and seen[-1]["type"] == "executing" and seen[-1]["data"]["node"] is None):
        seen.append(json.loads((await ws.receive(timeout=10)).data))
    types = [m["type"] for m in seen]
    assert types[0] == "status" and types[1] == "execution_start"
    assert "executed" in types and all(m["data"].get("prompt_id") in (prompt_id, None) for m in seen[1:])
    again = await client.ws_connect("/ws?clientId=late")  # claimed once, not replayed twice
    assert json.loads((await again.receive()).data)["type"] == "status"
    with pytest.raises(asyncio.TimeoutError):
        await again.receive(timeout=0.3)
    for sock in (ws, other, again):
        await sock.close()


def test_unclaimed_messages_are_bounded() -> None:
    hub = Hub()
    for i in range(UNCLAIMED_CLIENTS + 50):
        hub._to(f"c{i}", '{"type": "executing"}')
    hub._to("c0", b"\x00\x00\x00\x01preview")
    assert len(hub._unclaimed) == UNCLAIMED_CLIENTS and "c0" not in hub._unclaimed
