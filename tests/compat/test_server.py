"""A ComfyUI pack's server side on a real loopback server: its routes at the path and
under /api, its WEB_DIRECTORY at /extensions/<pack>/, PromptServer.send_sync to the
prompt's client, and full-size images streamed over the WebSocket the way ComfyUI's
websocket_image_save pack and websockets_api_example_ws_images.py do it."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from tests.server.conftest import Socket


async def test_pack_routes_are_mounted_at_the_path_and_under_api(client):
    for path in ("/kg_comfy_pack/hello?name=keroro", "/api/kg_comfy_pack/hello?name=keroro"):
        resp = await client.get(path)
        assert resp.status == 200
        body = await resp.json()
        assert body["hello"] == "keroro" and body["models_dir"].endswith("models")


async def test_web_directory_is_served_under_extensions(client):
    listed = await (await client.get("/extensions")).json()
    assert "/extensions/kg_comfy_pack/kg.js" in listed
    resp = await client.get("/extensions/kg_comfy_pack/kg.js")
    assert resp.status == 200 and "kg_comfy_pack web extension" in await resp.text()
    assert (await client.get("/extensions/kg_comfy_pack/%2E%2E/__init__.py")).status == 404
    assert (await client.get("/extensions/no_such_pack/kg.js")).status == 404


async def _run(client, sock, prompt):
    resp = await client.post("/prompt", json={"prompt": prompt, "client_id": "tester"})
    assert resp.status == 200, await resp.text()
    prompt_id = (await resp.json())["prompt_id"]
    await sock.until_done(prompt_id, timeout_s=30)
    return prompt_id


async def test_send_sync_reaches_the_prompts_client(client):
    ws = await client.ws_connect("/ws?clientId=tester")
    sock = Socket(ws)
    await sock.next()
    await _run(client, sock, {"m": {"class_type": "KGSendMessage", "inputs": {"text": "ahoy"}}})
    sent = [m for m in sock.messages if m["type"] == "kg.message"]
    assert sent == [{"type": "kg.message", "data": {"text": "ahoy", "node": "m", "last": "m"}}]
    await ws.close()


async def test_images_stream_over_the_websocket_like_comfyuis_example(client):
    """The example script's loop: remember the node of the last ``executing``; binary
    frames while it is the streaming node are images after an 8-byte header. The node
    reads its IMAGE the torch way, so this needs the torch extra."""
    pytest.importorskip("torch")
    ws = await client.ws_connect("/ws?clientId=tester")
    await ws.receive()
    prompt = {"img": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 2,
                                                            "color": 0x336699}},
              "save_image_websocket_node": {"class_type": "KGStreamImages", "inputs": {"images": ["img", 0]}}}
    resp = await client.post("/prompt", json={"prompt": prompt, "client_id": "tester"})
    prompt_id = (await resp.json())["prompt_id"]
    output_images: dict[str, list[bytes]] = {}
    current_node = ""
    while True:
        msg = await ws.receive(timeout=30)
        if msg.type.name == "TEXT":
            message = json.loads(msg.data)
            if message["type"] == "executing":
                data = message["data"]
                if data["prompt_id"] == prompt_id:
                    if data["node"] is None:
                        break
                    current_node = data["node"]
        elif current_node == "save_image_websocket_node":
            output_images.setdefault(current_node, []).append(msg.data[8:])
    frames = output_images["save_image_websocket_node"]
    assert len(frames) == 2
    for data in frames:
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == (64, 48)  # full size, not a shrunk preview
        assert tuple(np.asarray(image)[0, 0]) == (0x33, 0x66, 0x99)
    await ws.close()
