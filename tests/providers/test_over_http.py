"""A provider pack through the whole server as a user drives it: keys and base URL set
over the API, a graph posted to /prompt, progress followed on the WebSocket, the video
read back through /history and /view — against the Kling fake."""
from __future__ import annotations

import json

import pytest

from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import Settings
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.providers.conftest import PACKS
from tests.conftest import FIXTURE_PACKS

GRAPH = {
    "1": {"class_type": "KlingTextToVideo",
          "inputs": {"prompt": "a ceramic mug turning slowly on a marble table", "negative_prompt": "",
                     "model": "kling-v1-6", "mode": "std", "duration": "5", "aspect_ratio": "16:9",
                     "cfg_scale": 0.5, "camera_control": "none"}},
    "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}},
}


@pytest.fixture
async def served(tmp_path, full_registry, aiohttp_client, monkeypatch):
    for name in ("KERORO_KLING_ACCESS_KEY", "KERORO_KLING_SECRET_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS])
    client = await aiohttp_client(create_app(settings, registry=full_registry))
    client.app[RUNTIME].providers.poll_scale = 0.01
    async with KlingFake() as fake:
        yield client, fake


async def test_kling_video_through_the_http_api_and_websocket(served):
    client, fake = served
    refused = await client.post("/prompt", json={"prompt": GRAPH})
    assert refused.status == 400, "without keys the graph is refused before anything runs"
    assert "KERORO_KLING_ACCESS_KEY" in json.dumps(await refused.json())
    assert (await client.put("/api/providers/kling/settings", json={"base_url": fake.url})).status == 200
    response = await client.put("/api/providers/kling/secrets",
                                json={"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
    assert response.status == 200 and SECRET_KEY not in await response.text()

    ws = await client.ws_connect("/ws?clientId=studio")
    await ws.receive_json()
    prompt_id = (await (await client.post("/prompt", json={"prompt": GRAPH, "client_id": "studio"})).json())["prompt_id"]
    seen, frames = [], []
    while True:
        msg = await ws.receive(timeout=30)
        if msg.type.name == "BINARY":
            frames.append(msg.data)
            continue
        data = json.loads(msg.data)
        seen.append(data["type"])
        if data["type"] == "executing" and data["data"]["node"] is None and data["data"]["prompt_id"] == prompt_id:
            break
    await ws.close()
    assert "execution_success" in seen and "progress" in seen
    assert any(frame[:4] == b"\x00\x00\x00\x03" for frame in frames), "status lines while polling"

    entry = (await (await client.get(f"/history/{prompt_id}")).json())[prompt_id]
    video = entry["outputs"]["1"]["videos"][0]
    assert video["type"] == "output" and video["subfolder"] == "kling"
    view = await client.get("/view", params=video)
    assert view.status == 200 and view.headers["Content-Type"] == "video/mp4"
    assert (await view.read())[4:8] == b"ftyp"
    task_id = entry["outputs"]["2"]["text"][0]
    assert task_id and task_id in {t.id for t in fake.tasks.values()}
    assert len(fake.creates()) == 1
