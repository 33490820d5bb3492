"""End to end in a real browser: a provider node (KlingTextToVideo, from the Kling pack in
custom_nodes/) run from the canvas against KlingFake shows its video and task id, no error."""
from __future__ import annotations

import json
from typing import Iterator

import pytest

from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake

from .conftest import FIXTURE_PACKS, ROOT, Canvas, Server, configure_provider, running_server, threaded_fake


@pytest.fixture(scope="module")
def kling_fake() -> Iterator[KlingFake]:
    with threaded_fake(KlingFake()) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, kling_fake: KlingFake) -> Iterator[Server]:
    """Overrides conftest's server for this module: the fixture packs plus custom_nodes/,
    with the Kling provider pointed at the fake and given its keys."""
    with running_server(tmp_path_factory.mktemp("provider-user"), [ROOT / "custom_nodes", FIXTURE_PACKS]) as started:
        configure_provider(started, "kling", {"base_url": kling_fake.url}, {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
        yield started


def test_kling_text_to_video_runs_from_the_canvas(canvas: Canvas, kling_fake: KlingFake) -> None:
    assert "KlingTextToVideo" in canvas.server.get("/object_info")
    canvas.load({
        "1": {"class_type": "KlingTextToVideo", "inputs": {
            "prompt": "a ceramic mug turning slowly", "negative_prompt": "", "model": "kling-v1-6", "mode": "std",
            "duration": "5", "aspect_ratio": "16:9", "cfg_scale": 0.5, "camera_control": "none"}},
        "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}},
    }, "Kling")
    assert sorted(canvas.node_ids()) == ["1", "2"]
    canvas.run()
    # Kling polls every 5 s and the fake walks submitted -> processing -> succeed.
    canvas.wait_idle(timeout_ms=90000)

    state = canvas.js("() => window.__app.runNodes()")
    assert state["1"]["state"] == "finished", state["1"]
    assert state["2"]["state"] == "finished", state["2"]
    assert canvas.page.locator(".kg-node-error").count() == 0

    creates = kling_fake.creates("text2video")
    assert len(creates) == 1
    body = json.loads(creates[0].body)
    assert body["prompt"] == "a ceramic mug turning slowly" and body["model_name"] == "kling-v1-6"
    (task_id,) = kling_fake.tasks

    # The video output is on the Kling node and the task id is shown by PreviewAny.
    video = canvas.node("1").locator(".kg-media video")
    video.wait_for()
    assert video.get_attribute("src")
    assert state["1"]["output"]["videos"][0]["filename"].endswith(".mp4")
    canvas.node("2").get_by_text(task_id).wait_for()
