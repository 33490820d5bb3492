"""Real ComfyUI clients from PyPI, unchanged, against a real `keroro-graph serve`:
comfy-api-simplified, comfyui-utils and comfy-script's remote runtime (installed by the
test extra), plus the exact calls of ComfyUI's own `script_examples/` (they live only
on GitHub, which CI cannot reach, so the test makes the same calls in the same order:
urllib POST /prompt with a client-chosen prompt_id, a WebSocket read until `executing`
with node null, GET /history/{id}, GET /view)."""
from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from PIL import Image

from tests.live_server import LiveServer, live_server

#: ComfyUI's API format with titles, as clients export it; numeric ids (comfyui-utils needs them).
PROMPT = {
    "1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 1, "color": 255},
          "_meta": {"title": "Empty Image"}},
    "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "client"},
          "_meta": {"title": "Save Image"}},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("clients") / "user") as started:
        yield started


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def prompt_with(prefix: str, color: int = 255) -> dict[str, Any]:
    doc = json.loads(json.dumps(PROMPT))
    doc["2"]["inputs"]["filename_prefix"] = prefix
    doc["1"]["inputs"]["color"] = color
    return doc


def test_comfy_api_simplified(server: LiveServer) -> None:
    from comfy_api_simplified import ComfyApiWrapper, ComfyWorkflowWrapper

    api = ComfyApiWrapper(server.url)
    workflow = ComfyWorkflowWrapper(prompt_with("simplified"))
    workflow.set_node_param("Empty Image", "width", 40)
    images = api.queue_and_wait_images(workflow, "Save Image")
    assert len(images) == 1
    name, data = next(iter(images.items()))
    assert name.startswith("simplified_") and png_size(data) == (40, 48)
    assert "EmptyImage" in api.get_object_info("EmptyImage")
    assert api.get_system_stats()["system"]["comfyui_version"]


def test_comfy_api_simplified_upload(server: LiveServer, tmp_path: Path) -> None:
    from comfy_api_simplified import ComfyApiWrapper

    picture = tmp_path / "mine.png"
    Image.new("RGB", (5, 7), (1, 2, 3)).save(picture)
    answer = ComfyApiWrapper(server.url).upload_image(picture)
    assert answer == {"name": "mine.png", "subfolder": "default_upload_folder", "type": "input"}


def test_comfyui_utils(server: LiveServer) -> None:
    from comfyui_utils.comfy import Callbacks, ComfyAPI

    class Collect(Callbacks):
        def __init__(self) -> None:
            self.positions: list[Any] = []
            self.outputs: list[tuple[dict[str, Any], bool]] = []

        async def queue_position(self, position: Any) -> None:
            self.positions.append(position)

        async def in_progress(self, node_id: int, progress: int, total: int) -> None:
            pass

        async def completed(self, outputs: dict[str, Any], cached: bool) -> None:
            self.outputs.append((outputs, cached))

    async def scenario() -> tuple[Collect, bytes]:
        api, seen = ComfyAPI(server.address), Collect()
        await asyncio.wait_for(api.submit(prompt_with("utils", 0x00FF00), seen), 60)
        image = seen.outputs[0][0]["images"][0]
        fetched: list[bytes] = []

        async def keep(data: io.BytesIO) -> None:
            fetched.append(data.read())
        await api.fetch(image, keep)
        return seen, fetched[0]

    seen, data = asyncio.run(scenario())
    assert len(seen.outputs) == 1 and seen.outputs[0][0]["images"][0]["filename"].startswith("utils_")
    assert png_size(data) == (64, 48)


COMFY_SCRIPT = """
import sys
import time
from comfy_script.runtime import *
load(sys.argv[1])
from comfy_script.runtime.nodes import *
for i in range(3):
    with Workflow(wait=True):
        image = EmptyImage(32 + i, 16, 1, 0xFF0000)
        saved = SaveImage(image, 'comfy_script')
    print("SAVED", saved.wait()._output["images"][0]["filename"], flush=True)
"""


def test_comfy_script_remote_runtime(server: LiveServer, tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(COMFY_SCRIPT)
    got = subprocess.run([sys.executable, str(script), server.url + "/"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert got.returncode == 0, got.stdout + got.stderr
    saved = [line.split()[1] for line in got.stdout.splitlines() if line.startswith("SAVED ")]
    assert len(saved) == 3 and all(name.startswith("comfy_script_") for name in saved)
    sizes = {png_size(urllib.request.urlopen(f"{server.url}/view?filename={name}").read()) for name in saved}
    assert sizes == {(32, 16), (33, 16), (34, 16)}


def test_script_examples_websockets_api_calls(server: LiveServer) -> None:
    """websockets_api_example.py's calls, step by step (websocket-client's sync recv()
    is matched by the `websockets` sync client)."""
    from websockets.sync.client import connect

    client_id, prompt_id = str(uuid.uuid4()), str(uuid.uuid4())
    with connect(f"ws://{server.address}/ws?clientId={client_id}") as ws:
        body = json.dumps({"prompt": prompt_with("example"), "client_id": client_id, "prompt_id": prompt_id})
        urllib.request.urlopen(urllib.request.Request(f"{server.url}/prompt", data=body.encode())).read()
        while True:
            out = ws.recv(timeout=60)
            if isinstance(out, str):
                message = json.loads(out)
                if message["type"] == "executing":
                    data = message["data"]
                    if data["node"] is None and data["prompt_id"] == prompt_id:
                        break
    with urllib.request.urlopen(f"{server.url}/history/{prompt_id}") as response:
        history = json.loads(response.read())[prompt_id]
    images = []
    for node_output in history["outputs"].values():
        for image in node_output.get("images", []):
            query = urllib.parse.urlencode({"filename": image["filename"], "subfolder": image["subfolder"],
                                            "type": image["type"]})
            with urllib.request.urlopen(f"{server.url}/view?{query}") as response:
                images.append(response.read())
    assert [png_size(i) for i in images] == [(64, 48)]


def test_script_examples_basic_api_call(server: LiveServer) -> None:
    """basic_api_example.py: POST {"prompt": …} with no client id and read nothing back
    but the answer; the job then runs to the end."""
    data = json.dumps({"prompt": prompt_with("basic")}).encode("utf-8")
    answer = json.loads(urllib.request.urlopen(urllib.request.Request(f"{server.url}/prompt", data=data)).read())
    assert set(answer) >= {"prompt_id", "number", "node_errors"}
    for _ in range(300):
        history = server.get(f"/history/{answer['prompt_id']}")
        if history:
            break
        time.sleep(0.05)
    assert history[answer["prompt_id"]]["status"]["status_str"] == "success"
