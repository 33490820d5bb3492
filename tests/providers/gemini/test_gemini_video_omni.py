"""GeminiVideoOmni on the user's own Gemini key, against the fake Interactions API:
the prompt and reference media as ComfyUI's node sends them (dotted dynamic inputs as
ComfyUI's API prompt writes them), the background interaction polled to its video
(inline or by URI), the model's text, Gemini's limits refused before sending, a
failed interaction, cancel mid-poll and a missing key."""
from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import pytest

from keroro_graph.api import Video
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import mp4_bytes
from tests.fakes.gemini import GeminiFake
from tests.providers.conftest import configure

PROMPT = "a 4-second clip in 9:16 of a paper boat on a puddle"


def omni_graph(**inputs: Any) -> dict[str, Any]:
    node = {"model": "Omni Flash", "model.prompt": PROMPT, "model.temperature": 0.7, "model.top_p": 0.9,
            "seed": 42, **inputs}
    return {"1": {"class_type": "GeminiVideoOmni", "inputs": node},
            "s": {"class_type": "SaveVideo", "inputs": {"video": ["1", 0], "filename_prefix": "video/omni",
                                                        "format": "auto", "codec": "auto"}},
            "t": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


def saved(rt: Runtime, record: Any) -> Video:
    [entry] = record.outputs["s"]["images"]
    return Video.open(Path(rt.settings.paths.output, entry["subfolder"], entry["filename"]))


async def test_a_prompt_becomes_a_video_with_sound_through_the_interactions_api(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, omni_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    [body] = gemini.interactions.bodies
    assert body == {"model": "gemini-omni-flash-preview", "input": [{"type": "text", "text": PROMPT}],
                    "background": True, "response_modalities": ["video"],
                    "generation_config": {"temperature": 0.7, "top_p": 0.9}}
    assert gemini.bodies == []  # never generateContent: Omni answers only on Interactions
    video = saved(grt, record)
    assert (video.width, video.height, round(video.duration_s)) == (720, 1280, 4)
    assert record.outputs["t"]["text"] == ["Here is your video."]
    polls = [r for r in gemini.requests if r.method == "GET" and "/interactions/" in r.path]
    assert len(polls) == 3 and all(r.headers.get("x-goog-api-key") for r in polls)


async def test_reference_images_and_videos_go_inline_videos_first(grt: Runtime, gemini: GeminiFake):
    Path(grt.settings.paths.input, "clip.mp4").write_bytes(mp4_bytes(640, 360, 24, 3.0))
    graph = omni_graph(**{"model.images.image_1": ["img", 0], "model.videos.video_1": ["vid", 0]})
    graph["img"] = {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 48, "batch_size": 2,
                                                           "color": 0x3366CC}}
    graph["vid"] = {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}}
    gemini.interactions.as_uri = True
    record = await run_graph(grt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    parts = gemini.interactions.bodies[0]["input"]
    assert [(p["type"], p.get("mime_type")) for p in parts] == [
        ("video", "video/mp4"), ("image", "image/png"), ("image", "image/png"), ("text", None)]
    assert base64.b64decode(parts[0]["data"]) == Path(grt.settings.paths.input, "clip.mp4").read_bytes()
    assert round(saved(grt, record).duration_s) == 4  # downloaded from the URI


@pytest.mark.parametrize("inputs,why", [({"model.prompt": "  "}, "model.prompt: a prompt is required"),
                                        ({"model.videos.video_1": ["vid", 0]}, "at most 10 s")])
async def test_gemini_limits_are_refused_before_sending(grt: Runtime, gemini: GeminiFake, inputs: dict[str, Any],
                                                        why: str):
    Path(grt.settings.paths.input, "long.mp4").write_bytes(mp4_bytes(320, 240, 12, 11.0))
    graph = omni_graph(**inputs)
    graph["vid"] = {"class_type": "LoadVideo", "inputs": {"file": "long.mp4"}}
    record = await run_graph(grt, graph)
    assert record.status == JobStatus.ERROR and why in record.error["exception_message"]
    assert gemini.interactions.bodies == []


async def test_a_failed_interaction_says_what_the_model_said(grt: Runtime, gemini: GeminiFake):
    gemini.interactions.fail_text = "I can't make that video."
    record = await run_graph(grt, omni_graph())
    assert record.status == JobStatus.ERROR
    assert "ended failed: I can't make that video." in record.error["exception_message"]


async def test_cancel_while_polling_stops_the_polls(grt: Runtime, gemini: GeminiFake):
    gemini.interactions.hold = True
    sub = await grt.jobs.submit(omni_graph())
    assert sub.accepted
    polls = lambda: [r for r in gemini.requests if r.method == "GET" and "/interactions/" in r.path]  # noqa: E731
    await until(lambda: len(polls()) >= 2)
    await grt.jobs.cancel(sub.prompt_id)
    record = await grt.jobs.wait(sub.prompt_id, timeout_s=2.0)
    assert record.status == JobStatus.INTERRUPTED
    seen = len(polls())
    await asyncio.sleep(0.3)
    assert len(polls()) == seen


async def test_a_missing_key_is_refused_at_validation(prt: Runtime, gemini: GeminiFake):
    configure(prt, "gemini", gemini.base_url)
    sub = await prt.jobs.submit(omni_graph())
    assert not sub.accepted
    assert sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"
    assert gemini.requests == []


async def test_generate_content_refuses_the_omni_model_as_google_does(gemini: GeminiFake):
    import httpx
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{gemini.base_url}/models/gemini-omni-flash-preview:generateContent",
                                 headers={"x-goog-api-key": "AIza-fake-good-key"},
                                 json={"contents": [{"parts": [{"text": "hi"}]}]})
    assert answer.status_code == 400 and "only supports Interactions API" in answer.text
