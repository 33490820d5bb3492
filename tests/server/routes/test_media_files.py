"""Video and audio over real HTTP: uploading a clip and a recording (probed, junk
refused naming the file), a LoadVideo -> Video Slice -> SaveVideo graph and a
LoadAudio -> SaveAudio graph run through /prompt with /history carrying ComfyUI's ui
shapes, and /view answering Range requests (206, Accept-Ranges) so browsers can seek."""
from __future__ import annotations

import asyncio

import aiohttp
import numpy as np

from keroro_graph.api import Video, audio, make_audio, video


def clip_bytes(tmp_path, frames: int = 12) -> bytes:
    images = np.zeros((frames, 24, 32, 3), np.float32)
    images[..., 0] = np.linspace(0, 1, frames)[:, None, None]
    t = np.arange(8000, dtype=np.float32) / 8000
    sound = make_audio(np.sin(2 * np.pi * 220 * t)[None], 8000)
    return video.encode_video(tmp_path / "clip.mp4", images, fps=12, audio=sound).read_bytes()


async def upload(client, data: bytes, name: str):
    body = aiohttp.FormData()
    body.add_field("image", data, filename=name, content_type="application/octet-stream")
    return await client.post("/upload/image", data=body)


async def run(client, graph: dict, prompt_id: str) -> dict:
    resp = await client.post("/prompt", json={"prompt": graph, "prompt_id": prompt_id})
    assert resp.status == 200, await resp.text()
    for _ in range(500):
        history = await (await client.get(f"/history/{prompt_id}")).json()
        if history:
            return history[prompt_id]
        await asyncio.sleep(0.02)
    raise AssertionError(f"{prompt_id} did not finish")


async def test_video_upload_run_history_and_ranged_view(client, settings, tmp_path):
    data = clip_bytes(tmp_path)
    resp = await upload(client, data, "clip.mp4")
    assert resp.status == 200 and (await resp.json())["name"] == "clip.mp4"
    graph = {"1": {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}},
             "2": {"class_type": "Video Slice", "inputs": {"video": ["1", 0], "start_time": 0.25, "duration": 0.5,
                                                           "strict_duration": False}},
             "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "video/cut",
                                                         "format": "auto", "codec": "auto"}}}
    entry = await run(client, graph, "v1")
    assert entry["status"]["status_str"] == "success", entry["status"]
    assert entry["outputs"]["3"] == {"images": [{"filename": "cut_00001_.mp4", "subfolder": "video", "type": "output"}],
                                     "animated": [True]}
    saved = Video.open(settings.paths.output / "video" / "cut_00001_.mp4")
    assert saved.frame_count == 6 and saved.has_audio

    query = {"filename": "cut_00001_.mp4", "subfolder": "video", "type": "output"}
    whole = await client.get("/view", params=query)
    body = await whole.read()
    assert whole.status == 200 and whole.headers["Content-Type"] == "video/mp4"
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = await client.get("/view", params=query, headers={"Range": "bytes=100-199"})
    assert part.status == 206 and await part.read() == body[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(body)}"
    tail = await client.get("/view", params=query, headers={"Range": f"bytes={len(body) - 10}-"})
    assert tail.status == 206 and await tail.read() == body[-10:]
    beyond = await client.get("/view", params=query, headers={"Range": f"bytes={len(body) + 5}-"})
    assert beyond.status == 416


async def test_audio_upload_run_and_view(client, settings, tmp_path):
    t = np.arange(4000, dtype=np.float32) / 8000
    wav = tmp_path / "take.wav"
    audio.save_audio(make_audio(np.sin(2 * np.pi * 300 * t)[None], 8000), wav, fmt="wav")
    assert (await upload(client, wav.read_bytes(), "take.wav")).status == 200
    graph = {"1": {"class_type": "LoadAudio", "inputs": {"audio": "take.wav"}},
             "2": {"class_type": "SaveAudio", "inputs": {"audio": ["1", 0], "filename_prefix": "audio/take"}}}
    entry = await run(client, graph, "a1")
    assert entry["outputs"]["2"] == {"audio": [{"filename": "take_00001_.flac", "subfolder": "audio", "type": "output"}]}
    view = await client.get("/view", params={"filename": "take_00001_.flac", "subfolder": "audio", "type": "output"},
                            headers={"Range": "bytes=0-3"})
    assert view.status == 206 and await view.read() == b"fLaC" and view.headers["Content-Type"] == "audio/flac"


async def test_junk_media_uploads_and_undecodable_files_are_refused_by_name(client, settings):
    resp = await upload(client, b"\x00\x00\x00\x18ftypisom not really", "fake.mp4")
    assert resp.status == 400
    assert "'fake.mp4' is not an acceptable video or audio file" in (await resp.json())["error"]["message"]
    assert not (settings.paths.input / "fake.mp4").exists()
    (settings.paths.input / "broken.mp4").write_bytes(b"broken")
    entry = await run(client, {"1": {"class_type": "LoadVideo", "inputs": {"file": "broken.mp4"}},
                               "2": {"class_type": "SaveVideo", "inputs": {"video": ["1", 0], "filename_prefix": "x",
                                                                           "format": "auto", "codec": "auto"}}}, "b1")
    assert entry["status"]["status_str"] == "error"
    failure = next(m for kind, m in entry["status"]["messages"] if kind == "execution_error")
    assert failure["node_id"] == "1" and failure["node_type"] == "LoadVideo"
    assert "file 'broken.mp4'" in failure["exception_message"] and "not a decodable video" in failure["exception_message"]
