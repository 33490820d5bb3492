"""End to end in Chromium: video and audio on the canvas. LoadVideo and LoadAudio upload
through their buttons (POST /upload/image) and play the chosen file on the node (the
player reads /view with Range requests); SaveVideo's output (ComfyUI's {"images": [...],
"animated": [true]}) and SaveAudio's ({"audio": [...]}) play on the node and in the
history list; RecordAudio records from the microphone (Chromium's fake capture device)
and the recording runs."""
from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.fakes.base import mp4_bytes

from .conftest import Canvas, launch

LOADED = """v => new Promise((ok, fail) => {
    if (v.readyState >= 1) return ok(v.duration);
    v.addEventListener('loadedmetadata', () => ok(v.duration));
    v.addEventListener('error', () => fail(new Error('cannot play ' + v.src)));
})"""


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    """Chromium with a fake microphone that is always allowed (RecordAudio)."""
    b = launch(playwright, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")
    yield b
    b.close()


def wav_bytes(seconds: float = 1.0, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate))))
    return out.getvalue()


def upload(canvas: Canvas, node_id: str, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    canvas.page.locator(f'[data-testid="upload-{node_id}"]').set_input_files(str(path))
    canvas.page.wait_for_function("([id, v]) => window.__app.graph.getState().nodes.find(n => n.id === id).data.widgets[Object.keys(window.__app.graph.getState().nodes.find(n => n.id === id).data.widgets)[0]] === v",
                                  arg=[node_id, name])


def run_ok(canvas: Canvas) -> None:
    canvas.run()
    canvas.wait_idle(30000)
    assert canvas.js("() => window.__app.runtime.getState().lastDone.status") == "success", canvas.js("() => window.__app.runtime.getState().lastError")


def test_video_uploads_plays_on_the_node_and_its_output_plays_on_the_node_and_in_history(canvas: Canvas, tmp_path: Path) -> None:
    canvas.load({
        "1": {"class_type": "LoadVideo", "inputs": {"file": ""}},
        "2": {"class_type": "SaveVideo", "inputs": {"video": ["1", 0], "filename_prefix": "e2e/clip", "format": "auto", "codec": "auto"}},
    }, "video")
    upload(canvas, "1", tmp_path, "clip.mp4", mp4_bytes(160, 96, 12, 1.0))
    player = canvas.node("1").locator("video.kg-input-video")
    assert "type=input" in player.get_attribute("src") and "clip.mp4" in player.get_attribute("src")
    assert player.evaluate(LOADED) == pytest.approx(1.0, abs=0.2)

    run_ok(canvas)
    out = canvas.node("2").locator(".kg-media video")
    out.wait_for()
    assert "type=output" in out.get_attribute("src") and out.evaluate(LOADED) == pytest.approx(1.0, abs=0.2)

    canvas.page.keyboard.press("h")
    item = canvas.page.locator(".kg-history-media video").first
    item.wait_for()
    assert item.evaluate(LOADED) > 0.5


def test_audio_uploads_plays_and_its_output_plays_on_the_node_and_in_history(canvas: Canvas, tmp_path: Path) -> None:
    canvas.load({
        "1": {"class_type": "LoadAudio", "inputs": {"audio": ""}},
        "2": {"class_type": "SaveAudio", "inputs": {"audio": ["1", 0], "filename_prefix": "e2e/tone"}},
    }, "audio")
    upload(canvas, "1", tmp_path, "tone.wav", wav_bytes(1.0))
    player = canvas.node("1").locator("audio.kg-input-audio")
    assert player.evaluate(LOADED) == pytest.approx(1.0, abs=0.1)
    # Saved as ComfyUI saves LoadAudio: the file, the audio player's null, the upload button.
    assert canvas.js("() => window.__app.workflow().nodes.find(n => n.id === 1).widgets_values") == ["tone.wav", None, "image"]

    run_ok(canvas)
    out = canvas.node("2").locator(".kg-outputs audio")
    out.wait_for()
    assert "type=output" in out.get_attribute("src") and out.evaluate(LOADED) == pytest.approx(1.0, abs=0.1)
    canvas.page.keyboard.press("h")
    canvas.page.locator(".kg-history-media audio").first.wait_for()


def test_record_audio_records_from_the_microphone_and_runs(canvas: Canvas) -> None:
    canvas.load({
        "1": {"class_type": "RecordAudio", "inputs": {"audio": ""}},
        "2": {"class_type": "SaveAudio", "inputs": {"audio": ["1", 0], "filename_prefix": "e2e/take"}},
    }, "record")
    node = canvas.node("1")
    node.get_by_role("button", name="● Record").click()
    canvas.page.wait_for_timeout(1500)
    node.get_by_role("button", name="■ Stop").click()
    canvas.page.wait_for_function("() => /^recording_\\d+\\.(webm|ogg|m4a)$/.test(window.__app.graph.getState().nodes.find(n => n.id === '1').data.widgets.audio || '')")
    value = canvas.js("() => window.__app.graph.getState().nodes.find(n => n.id === '1').data.widgets.audio")
    assert (canvas.server.user_dir / "input" / value).stat().st_size > 1000
    assert node.locator(".kg-record-name").inner_text() == value
    node.locator("audio.kg-input-audio").wait_for()

    run_ok(canvas)
    canvas.node("2").locator(".kg-outputs audio").wait_for()
