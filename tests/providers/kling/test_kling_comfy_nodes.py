"""ComfyUI's Kling partner nodes from API prompts shaped as ComfyUI writes them
(dotted dynamic inputs and storyboards included), against the fake Kling API on the
user's own keys: each node's request, the VIDEO/IMAGE it returns, Kling's rules
refused before sending, errors, retries, cancel mid-poll and missing keys (the
nodes that send a video: test_kling_video_inputs.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from keroro_graph.api import Video
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.kling import KlingFake
from tests.providers.conftest import configure
from tests.providers.kling.conftest import cancel_mid_poll, image_node

FLF = "/v1/videos/image2video"
OMNI = "/v1/videos/omni-video"


def with_preview(node_type: str, inputs: dict[str, Any], **sources: dict[str, Any]) -> dict[str, Any]:
    return {**sources, "1": {"class_type": node_type, "inputs": inputs},
            "p": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}


def flf_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_kling_v3_flf2v template."""
    node = {"prompt": "goldfish swim out of the bag", "duration": 7, "generate_audio": True, "model": "kling-v3",
            "model.resolution": "720p", "seed": 0, "first_frame": ["a", 0], "end_frame": ["b", 0], **inputs}
    return with_preview("KlingFirstLastFrameNode", node, a=image_node(640, 360), b=image_node(640, 360, 0xCC6633))


def omni_i2v_graph(**inputs: Any) -> dict[str, Any]:
    """The shape of ComfyUI's api_kling_o3_i2v template."""
    node = {"model_name": "kling-v3-omni", "prompt": "@image1 runs through a field", "aspect_ratio": "16:9",
            "duration": 5, "resolution": "720p", "storyboards": "disabled", "generate_audio": True, "seed": 0,
            "reference_images": ["r", 0], **inputs}
    return with_preview("KlingOmniProImageToVideoNode", node, r=image_node(600, 400))


def saved_videos(rt: Runtime) -> list[Video]:
    return [Video.open(p) for p in sorted(Path(rt.settings.paths.output, "kling").glob("*.mp4"))]


async def test_first_last_frame_sends_kling_v3_with_sound_and_returns_the_video(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, flf_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("image2video")[0])
    assert body.pop("external_task_id").startswith("kg-")  # the idempotency key every create carries
    assert {k: v for k, v in body.items() if k not in ("image", "image_tail")} == {
        "model_name": "kling-v3", "prompt": "goldfish swim out of the bag", "mode": "std", "duration": "7",
        "sound": "on"}
    assert [name for name, _ in kling.images] == ["image", "image_tail"]
    [video] = saved_videos(krt)
    assert (video.width, video.height) == (1280, 720) and round(video.duration_s) == 7


async def test_first_last_frame_maps_1080p_and_4k_to_kling_modes(krt: Runtime, kling: KlingFake):
    for resolution, mode in (("1080p", "pro"), ("4k", "4k")):
        record = await run_graph(krt, flf_graph(**{"model.resolution": resolution, "duration": 3}))
        assert record.status == JobStatus.SUCCESS, record.error
        assert json_body(kling.creates("image2video")[-1])["mode"] == mode


async def test_a_frame_kling_would_refuse_fails_before_any_request(krt: Runtime, kling: KlingFake):
    graph = flf_graph()
    graph["a"] = image_node(200, 200)
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.ERROR and "first_frame" in record.error["exception_message"]
    assert kling.creates() == []


async def test_omni_image_to_video_sends_images_in_the_omni_syntax(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, omni_i2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("omni-video")[0])
    assert body["prompt"] == "<<<image_1>>> runs through a field"
    assert (body["model_name"], body["aspect_ratio"], body["duration"], body["mode"], body["sound"]) == (
        "kling-v3-omni", "16:9", "5", "std", "on")
    assert [list(i) for i in body["image_list"]] == [["image_url"]] and "multi_shot" not in body
    assert len(saved_videos(krt)) == 1


async def test_omni_text_to_video_storyboards_become_shots(krt: Runtime, kling: KlingFake):
    node = {"model_name": "kling-v3-omni", "prompt": "", "aspect_ratio": "9:16", "duration": 6,
            "resolution": "1080p", "storyboards": "2 storyboards", "storyboards.storyboard_1_prompt": "a boxer",
            "storyboards.storyboard_1_duration": 2, "storyboards.storyboard_2_prompt": "the crowd",
            "storyboards.storyboard_2_duration": 4, "generate_audio": False, "seed": 0}
    record = await run_graph(krt, with_preview("KlingOmniProTextToVideoNode", node))
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("omni-video")[0])
    assert body["multi_shot"] is True and body["shot_type"] == "customize"
    assert body["multi_prompt"] == [{"index": 1, "prompt": "a boxer", "duration": "2"},
                                    {"index": 2, "prompt": "the crowd", "duration": "4"}]


async def test_storyboards_that_do_not_add_up_are_refused(krt: Runtime, kling: KlingFake):
    node = {"model_name": "kling-v3-omni", "prompt": "", "aspect_ratio": "9:16", "duration": 5,
            "storyboards": "1 storyboard", "storyboards.storyboard_1_prompt": "a boxer",
            "storyboards.storyboard_1_duration": 2}
    record = await run_graph(krt, with_preview("KlingOmniProTextToVideoNode", node))
    assert record.status == JobStatus.ERROR and "storyboards" in record.error["exception_message"]
    assert kling.creates() == []


async def test_kling_video_node_with_a_start_frame_and_two_shots(krt: Runtime, kling: KlingFake):
    """The shape of ComfyUI's api_kling_v3_video template."""
    node = {"multi_shot": "2 storyboards", "multi_shot.storyboard_1_prompt": "boxers trade punches",
            "multi_shot.storyboard_1_duration": 2, "multi_shot.storyboard_2_prompt": "the crowd roars",
            "multi_shot.storyboard_2_duration": 3, "generate_audio": True, "model": "kling-v3",
            "model.resolution": "1080p", "model.aspect_ratio": "16:9", "seed": 0, "start_frame": ["s", 0]}
    record = await run_graph(krt, with_preview("KlingVideoNode", node, s=image_node(640, 360)))
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("image2video")[0])
    assert (body["duration"], body["mode"], body["sound"], len(body["multi_prompt"])) == ("5", "pro", "on", 2)
    assert "prompt" not in body and "aspect_ratio" not in body


async def test_omni_image_series(krt: Runtime, kling: KlingFake):
    graph = {"1": {"class_type": "KlingOmniProImageNode",
                   "inputs": {"model_name": "kling-v3-omni", "prompt": "a mug, @image1 style", "resolution": "2K",
                              "aspect_ratio": "1:1", "series_amount": "3", "reference_images": ["r", 0]}},
             "r": image_node(400, 400),
             "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "k"}}}
    record = await run_graph(krt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates("omni-image")[0])
    assert (body["resolution"], body["result_type"], body["series_amount"]) == ("2k", "series", 3)
    assert body["image_list"][0].keys() == {"image"}
    assert len(record.outputs["save"]["images"]) == 3


async def test_a_rate_limit_is_retried(krt: Runtime, kling: KlingFake):
    kling.rate_limit_next()
    record = await run_graph(krt, flf_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    # Two POSTs, one task: the 429 was answered before anything was created.
    assert len(kling.creates("image2video")) == 2 and len(kling.tasks) == 1


async def test_a_failed_task_names_kling_s_reason(krt: Runtime, kling: KlingFake):
    kling.fail_reason = "risk control: video content"
    record = await run_graph(krt, omni_i2v_graph())
    assert record.status == JobStatus.ERROR and "risk control: video content" in record.error["exception_message"]
    assert saved_videos(krt) == []


async def test_cancel_while_polling_stops_the_polls(krt: Runtime, kling: KlingFake):
    await cancel_mid_poll(krt, kling, omni_i2v_graph())


async def test_missing_keys_are_refused_at_validation(prt: Runtime, kling: KlingFake):
    configure(prt, "kling", kling.url)
    sub = await prt.jobs.submit(flf_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "KERORO_KLING_ACCESS_KEY" in error["message"]
    assert kling.requests == []
