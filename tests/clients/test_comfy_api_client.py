"""comfy-api-client (PyPI), unchanged, against a real `keroro-graph serve`.

It pins httpx 0.27, Pillow 10 and websockets 12, which clash with our own test
environment, so the test installs it from PyPI into a virtual environment of its own
and drives the server from a script run there. Its WebSocket tracker calls a method the
client does not define (`get_future_with_retry`; only `_get_future_with_retry` exists),
so, as with ComfyUI itself, its results arrive through the HTTP tracker."""
from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path
from typing import Iterator

import pytest

from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.slow  # installs a package from PyPI into a fresh venv (~20 s)

SCRIPT = r'''
import asyncio, json, sys, warnings
from PIL import Image
from comfy_api_client import create_client

URL = sys.argv[1]

def prompt(image_name, prefix):
    return {
        "1": {"class_type": "LoadImage", "inputs": {"image": image_name}},
        "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": prefix}},
    }

async def main():
    report = {}
    async with create_client(URL, start_state_tracker="http") as client:
        stats = await client.get_system_stats()
        report["system"] = [stats.system.os, stats.system.python_version, len(stats.devices)]
        uploaded = await client.upload_image("cac_in.png", Image.new("RGB", (20, 10), (10, 200, 30)))
        report["uploaded"] = uploaded.model_dump()
        mask = await client.upload_mask("cac_mask.png", Image.new("RGBA", (20, 10), (0, 0, 0, 128)), uploaded)
        report["mask"] = mask.model_dump()
        submitted = await client.submit_workflow(prompt(uploaded.name, "cac"))
        result = await asyncio.wait_for(submitted.future, 60)
        image = result.output_images[0]
        report["result"] = {"filename": image.filename, "format": image.format, "size": list(image.image.size),
                            "pixel": list(image.image.convert("RGB").getpixel((0, 0)))}
        done = await client.get_completed_prompts()
        report["completed"] = submitted.prompt_id in done
        queue = await client.get_queue()
        report["queue"] = [len(queue.pending), len(queue.running)]
        await client.interrupt_processing()
        await client.free_memory(unload_models=True, free_memory=True)
        await client.clear_queue()
        await client.cancel_prompts(["not-queued"])
        await client.remove_from_history([submitted.prompt_id])
        report["removed"] = submitted.prompt_id not in await client.get_history()
        report["missing"] = await client.retrieve_image("no-such-file.png", type="output")
        await client.clear_history()
        report["history_after_clear"] = await client.get_history(max_items=5)
    print("REPORT " + json.dumps(report))

asyncio.run(main())
'''


@pytest.fixture(scope="module")
def client_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("comfy-api-client-venv")
    venv.EnvBuilder(with_pip=True).create(home)
    python = home / "bin" / "python"
    got = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                          "comfy-api-client==0.1.0"], capture_output=True, text=True, timeout=600)
    if got.returncode != 0:
        pytest.fail(f"could not install comfy-api-client from PyPI: {got.stderr[-2000:]}")
    return python


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("cac") / "user") as started:
        yield started


def test_comfy_api_client_runs_unchanged(server: LiveServer, client_python: Path, tmp_path: Path) -> None:
    script = tmp_path / "drive.py"
    script.write_text(SCRIPT)
    got = subprocess.run([str(client_python), str(script), server.address], capture_output=True, text=True,
                         timeout=180, cwd=tmp_path)
    assert got.returncode == 0, got.stdout[-3000:] + got.stderr[-3000:]
    line = next(line for line in got.stdout.splitlines() if line.startswith("REPORT "))
    report = json.loads(line[len("REPORT "):])
    assert report["system"][0] and report["system"][1] and report["system"][2] >= 1
    assert report["uploaded"] == {"name": "cac_in.png", "subfolder": "", "type": "input"}
    assert report["mask"]["name"] == "cac_mask.png" and report["mask"]["type"] == "input"
    # The client reads the name back out of Content-Disposition by splitting on '=' and
    # the format out of Content-Type: both must be ComfyUI's exact shapes.
    assert report["result"]["filename"].startswith("cac_") and report["result"]["filename"].endswith(".png")
    assert report["result"]["format"] == "png"
    assert report["result"]["size"] == [20, 10]
    # ImageInvert ran on the uploaded colour (SaveImage truncates to 8 bits, as ComfyUI's does)
    assert all(abs(got - (255 - sent)) <= 1 for got, sent in zip(report["result"]["pixel"], (10, 200, 30)))
    assert report["completed"] is True
    assert report["queue"] == [0, 0]
    assert report["removed"] is True
    assert report["missing"] is None
    assert report["history_after_clear"] == {}
