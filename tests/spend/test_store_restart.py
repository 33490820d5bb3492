"""Never pay twice: a graph of three paid Kling nodes runs against the Kling fake, the
server process is stopped and started again over the same user folder, and the same
graph runs again with no provider call at all — served from the paid-result store,
announced on the WebSocket, estimated at 0."""
from __future__ import annotations

import json

import aiohttp

from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.providers.conftest import PACKS
from tests.spend.servers import finished, serve

GRAPH = {
    "img": {"class_type": "KlingImageGeneration",
            "inputs": {"prompt": "a ceramic mug on a wooden table", "negative_prompt": "", "model": "kling-v2-1",
                       "resolution": "1k", "aspect_ratio": "1:1", "n": 1}},
    "i2v": {"class_type": "KlingImageToVideo",
            "inputs": {"start_frame": ["img", 0], "prompt": "the mug turns slowly", "negative_prompt": "",
                       "model": "kling-v2-5-turbo", "mode": "std", "duration": "5", "cfg_scale": 0.5}},
    "t2v": {"class_type": "KlingTextToVideo",
            "inputs": {"prompt": "a red fox running through snow", "negative_prompt": "",
                       "model": "kling-v2-5-turbo", "mode": "pro", "duration": "5", "aspect_ratio": "16:9",
                       "cfg_scale": 0.5}},
    "save": {"class_type": "SaveImage", "inputs": {"images": ["img", 0], "filename_prefix": "mug"}},
    "p1": {"class_type": "PreviewAny", "inputs": {"source": ["i2v", 1]}},
    "p2": {"class_type": "PreviewAny", "inputs": {"source": ["t2v", 1]}},
}
PAID = {"img", "i2v", "t2v"}


async def _run(http: aiohttp.ClientSession, url: str) -> tuple[dict, list[dict]]:
    async with http.ws_connect(f"{url}/ws?clientId=costs") as ws:
        await ws.receive_json()
        async with http.post(f"{url}/prompt", json={"prompt": GRAPH, "client_id": "costs"}) as r:
            assert r.status == 200, await r.text()
            prompt_id = (await r.json())["prompt_id"]
        seen = []
        while True:
            msg = await ws.receive(timeout=60)
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            seen.append(data)
            if data["type"] == "executing" and data["data"]["node"] is None \
                    and data["data"].get("prompt_id") == prompt_id:
                break
    return await finished(http, url, prompt_id), seen


async def test_a_restarted_server_pays_nothing_for_the_same_graph(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    async with KlingFake(steps=()) as kling, aiohttp.ClientSession() as http:
        async with serve(user, PACKS) as url:
            await http.put(f"{url}/api/providers/kling/settings", json={"base_url": kling.url})
            await http.put(f"{url}/api/providers/kling/secrets",
                           json={"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
            async with http.post(f"{url}/api/prompt/estimate", json={"prompt": GRAPH}) as r:
                before = await r.json()
            first, _ = await _run(http, url)
            assert first["status"]["status_str"] == "success"
            assert len(kling.creates()) == 3
        first_video = first["outputs"]

        async with serve(user, PACKS) as url:
            async with http.post(f"{url}/api/prompt/estimate", json={"prompt": GRAPH}) as r:
                after = await r.json()
            second, seen = await _run(http, url)
            assert second["status"]["status_str"] == "success"
            assert len(kling.creates()) == 3, "the second run called the provider"
            async with http.get(f"{url}/api/metrics") as r:
                metrics = await r.text()

    assert before["total"] == {"USD": 0.014 + 0.21 + 0.35} or abs(before["total"]["USD"] - 0.574) < 1e-9
    assert set(before["nodes"]) == PAID and all(before["nodes"][n]["stored"] == 0 for n in PAID)
    assert after["total"] == {"USD": 0.0} and all(after["nodes"][n]["stored"] == 1 for n in PAID)
    stored = {n for m in seen if m["type"] == "execution_stored" for n in m["data"]["nodes"]}
    assert stored == PAID
    assert second["outputs"]["p1"]["text"] == first_video["p1"]["text"], "the same task id came back"
    assert second["outputs"]["save"]["images"][0]["filename"] != first_video["save"]["images"][0]["filename"]
    assert "keroro_paid_store_hits_total 3" in metrics
