"""The decoded-image budget: frames x width x height x channels, counted before any
pixel is decoded, for LoadImage and for uploads. The GIF bomb (a few hundred KB of
GIF that decodes to 720 MB as float32 frames) is refused naming the node and the
limit, and a real process loading it grows by no more than twice the budget."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from PIL import Image

from keroro_graph.settings import REPO_ROOT

BUDGET = 64 * 2**20


def gif(frames: int, size: int = 1000) -> bytes:
    """An animated GIF whose frames differ by one pixel: tiny on disk, every frame
    full-size once decoded."""
    def frame(i: int) -> Image.Image:
        img = Image.new("P", (size, size), 0)
        img.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
        img.putpixel((i % size, 0), 1)
        return img
    out = io.BytesIO()
    frame(0).save(out, "GIF", save_all=True, append_images=(frame(i) for i in range(1, frames)), duration=40)
    return out.getvalue()


def run_load(tmp_path: Path, name: str, data: bytes) -> tuple[int, str, int]:
    return run_load_with_budget(tmp_path, name, data, BUDGET)


def run_load_with_budget(tmp_path: Path, name: str, data: bytes, budget: int) -> tuple[int, str, int]:
    """``keroro-graph run`` on LoadImage → PreviewAny in a fresh process; returns
    (exit code, output, peak resident memory in KiB)."""
    user = tmp_path / f"user-{name}"
    (user / "input").mkdir(parents=True)
    (user / "input" / name).write_bytes(data)
    graph = tmp_path / f"{name}.json"
    graph.write_text(json.dumps({"1": {"class_type": "LoadImage", "inputs": {"image": name}},
                                 "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "KERORO_IMAGE_BUDGET_BYTES": str(budget)}
    process = subprocess.Popen([sys.executable, "-m", "keroro_graph.cli.main", "run", str(graph), "--quiet",
                                "--user-dir", str(user), "--custom-nodes-dir", str(tmp_path / "none")],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace")  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output, usage.ru_maxrss


def test_a_gif_bomb_is_refused_and_memory_stays_within_twice_the_budget(tmp_path):
    bomb = gif(60)
    assert len(bomb) < 1024 * 1024
    code, output, bomb_peak = run_load(tmp_path, "bomb.gif", bomb)
    assert code != 0
    assert "LoadImage (node 1)" in output and "60 frame(s) x 1000x1000 x 3 channels" in output
    assert "budget of 64 MiB" in output and "KERORO_IMAGE_BUDGET_BYTES" in output
    code, output, fits_peak = run_load(tmp_path, "fits.gif", gif(5))  # 5 x 1000 x 1000 x 3 x 4 = 57 MiB
    assert code == 0, output
    _code, _output, baseline = run_load(tmp_path, "tiny.gif", gif(2, size=8))
    print(f"peak RSS: baseline {baseline / 1024:.0f} MiB, bomb {bomb_peak / 1024:.0f} MiB, "
          f"within budget {fits_peak / 1024:.0f} MiB (budget {BUDGET / 2**20:.0f} MiB)")
    assert (bomb_peak - baseline) * 1024 <= 2 * BUDGET
    assert (fits_peak - baseline) * 1024 <= 2 * BUDGET


async def test_an_animated_upload_is_checked_against_the_budget(client, monkeypatch):
    monkeypatch.setenv("KERORO_IMAGE_BUDGET_BYTES", str(BUDGET))
    form = aiohttp.FormData()
    form.add_field("image", gif(60), filename="bomb.gif", content_type="image/gif")
    response = await client.post("/upload/image", data=form)
    assert response.status == 400
    message = (await response.json())["error"]["message"]
    assert "60 frame(s)" in message and "budget of 64 MiB" in message
    form = aiohttp.FormData()
    form.add_field("image", gif(3, size=100), filename="small.gif", content_type="image/gif")
    assert (await client.post("/upload/image", data=form)).status == 200


@pytest.mark.parametrize("frames, alpha, expected", [(1, False, 12), (10, False, 120), (10, True, 160)])
def test_the_budget_counts_frames_and_channels(frames, alpha, expected):
    from keroro_graph import media
    mode = "RGBA" if alpha else "RGB"
    images = [Image.new(mode, (10, 10), (20 * i, 0, 0, 128)[:len(mode)]) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "PNG" if frames == 1 else "WEBP", save_all=frames > 1, append_images=images[1:],
                   lossless=True)
    opened = Image.open(io.BytesIO(out.getvalue()))
    assert media.decoded_bytes(opened) == expected * 100


def test_no_hostile_upload_grows_the_server_beyond_twice_the_budget(tmp_path):
    """GIF, APNG, animated WebP and TIFF animations, PNG/JPEG/TIFF headers claiming huge
    sizes and a video of 8192x8192 frames, each through POST /upload/image of a real
    server: its peak resident memory (reset before each) grows by at most 2 x budget.
    The video was the one that did not hold: FFmpeg decoded 8192x8192 frames to probe it."""
    import asyncio

    from bench.security_bench import upload_growth
    from tests.live_server import live_server
    from tests.server.hostile_media import hostile

    budget = 32 * 2**20
    with live_server(tmp_path / "user", env={"KERORO_IMAGE_BUDGET_BYTES": str(budget)}) as server:
        for label, (name, make) in hostile(frames=24, size=600).items():
            status, message, growth = asyncio.run(upload_growth(server.url, server.proc.pid, name, make()))
            if name.endswith(".mp4"):
                assert status == 200, message
            else:
                assert status == 400 and ("budget of 32 MiB" in message or "too large" in message), message
            assert growth <= 2 * budget, (label, growth / 2**20)
