"""ComfyUI's Wan partner nodes (Wan 2.5–2.7 and HappyHorse) from API prompts shaped as
ComfyUI's templates write them, against the fake DashScope on the user's own key:
the async video and image tasks they submit, the VIDEO/IMAGE they return, errors,
retries, cancel mid-poll (cancelled on DashScope too), a missing key, and the nodes
that need public video URLs refused at validation."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from keroro_graph.api import Video
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import mp4_bytes
from tests.fakes.dashscope import API_KEY, DashScopeFake
from tests.providers.conftest import configure

VIDEO = "/api/v1/services/aigc/video-generation/video-synthesis"


def image(width: int = 640, height: int = 480, color: int = 0x3366CC) -> dict[str, Any]:
    return {"class_type": "EmptyImage", "inputs": {"width": width, "height": height, "batch_size": 1, "color": color}}


def graph_of(node_type: str, inputs: dict[str, Any], **sources: dict[str, Any]) -> dict[str, Any]:
    return {**sources, "1": {"class_type": node_type, "inputs": inputs},
            "p": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}


def happyhorse_t2v(**inputs: Any) -> dict[str, Any]:
    return graph_of("HappyHorseTextToVideoApi", {
        "model": "happyhorse-1.1-t2v", "model.prompt": "a white horse in a pink forest", "model.resolution": "720P",
        "model.ratio": "16:9", "model.duration": 5, "seed": 77881075, "watermark": False, **inputs})


def videos(rt: Runtime) -> list[Video]:
    return [Video.open(p) for p in sorted(Path(rt.settings.paths.output, "dashscope").glob("*.mp4"))]


async def test_happyhorse_text_to_video(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, happyhorse_t2v())
    assert record.status == JobStatus.SUCCESS, record.error
    [seen] = dashscope.seen(VIDEO)
    assert seen.headers["X-DashScope-Async"] == "enable" and seen.headers["Authorization"] == f"Bearer {API_KEY}"
    assert dashscope.bodies == [{"model": "happyhorse-1.1-t2v", "input": {"prompt": "a white horse in a pink forest"},
                                 "parameters": {"resolution": "720P", "ratio": "16:9", "duration": 5,
                                                "seed": 77881075, "watermark": False}}]
    [video] = videos(qrt)
    assert round(video.duration_s) == 5 and video.width == 160


async def test_happyhorse_reference_images_become_media(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("HappyHorseReferenceVideoApi", {
        "model": "happyhorse-1.0-r2v", "model.prompt": "the two of them dance", "model.resolution": "1080P",
        "model.ratio": "16:9", "model.duration": 4, "seed": 1, "watermark": False,
        "model.reference_images.image1": ["a", 0], "model.reference_images.image2": ["b", 0]},
        a=image(), b=image(500, 500, 0xFF0000))
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    media = dashscope.bodies[0]["input"]["media"]
    assert [m["type"] for m in media] == ["reference_image", "reference_image"]
    assert all(m["url"].startswith("data:image/png;base64,") for m in media)


async def test_wan26_image_to_video_sends_the_image_inline(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("WanImageToVideoApi", {
        "model": "wan2.6-i2v", "prompt": "a slow dolly in", "negative_prompt": "blurry", "resolution": "720P",
        "duration": 10, "seed": 212259147, "generate_audio": True, "prompt_extend": True, "watermark": False,
        "shot_type": "single", "image": ["i", 0]}, i=image())
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = dashscope.bodies[0]
    assert body["input"]["img_url"].startswith("data:image/png;base64,") and "audio_url" not in body["input"]
    assert body["parameters"] == {"resolution": "720P", "duration": 10, "seed": 212259147, "audio": True,
                                  "prompt_extend": True, "watermark": False, "shot_type": "single"}
    assert round(videos(qrt)[0].duration_s) == 10


async def test_wan_text_to_video_reads_the_size_label(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("WanTextToVideoApi", {"model": "wan2.5-t2v-preview", "prompt": "rain on a window",
                                           "size": "1080p: 16:9 (1920x1080)", "duration": 5})
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    assert dashscope.bodies[0]["parameters"]["size"] == "1920*1080"


async def test_model_rules_are_refused_before_any_request(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("WanTextToVideoApi", {"model": "wan2.6-t2v", "prompt": "x", "size": "480p: 1:1 (624x624)"})
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.ERROR and "480p" in record.error["exception_message"]
    assert dashscope.bodies == []


async def test_wan27_image_to_video_and_text_to_image(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("Wan2ImageToVideoApi", {
        "model": "wan2.7-i2v", "model.prompt": "from the first frame", "model.negative_prompt": "",
        "model.resolution": "720P", "model.duration": 3, "seed": 1, "prompt_extend": True, "watermark": False,
        "first_frame": ["f", 0], "last_frame": ["l", 0]}, f=image(), l=image(color=0x00FF00))
    graph["img"] = {"class_type": "WanTextToImageApi", "inputs": {"model": "wan2.5-t2i-preview",
                                                                 "prompt": "a lamp", "width": 768, "height": 1024}}
    graph["save"] = {"class_type": "SaveImage", "inputs": {"images": ["img", 0], "filename_prefix": "w"}}
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    video_body = next(b for b in dashscope.bodies if b["model"] == "wan2.7-i2v")
    assert [m["type"] for m in video_body["input"]["media"]] == ["first_frame", "last_frame"]
    assert "negative_prompt" not in video_body["input"]
    image_body = next(b for b in dashscope.bodies if b["model"] == "wan2.5-t2i-preview")
    assert image_body["parameters"]["size"] == "768*1024"
    assert len(record.outputs["save"]["images"]) == 1


async def test_a_failed_task_names_dashscopes_reason(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.outcome = "fail"
    record = await run_graph(qrt, happyhorse_t2v())
    assert record.status == JobStatus.ERROR
    assert "could not draw this prompt" in record.error["exception_message"]


async def test_throttling_is_retried(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(429, {"request_id": "r", "code": "Throttling.RateQuota", "message": "Requests rate limit"},
                        path_prefix=VIDEO)
    record = await run_graph(qrt, happyhorse_t2v())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(dashscope.seen(VIDEO)) == 2 and len(dashscope.bodies) == 1


async def test_cancel_mid_poll_cancels_the_task_on_dashscope(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.outcome = "hold"
    sub = await qrt.jobs.submit(happyhorse_t2v())
    await until(lambda: dashscope.polls() >= 2)
    await qrt.jobs.cancel(sub.prompt_id)
    record = await qrt.jobs.wait(sub.prompt_id, timeout_s=2)
    assert record.status == JobStatus.INTERRUPTED
    await until(lambda: len(dashscope.cancelled) == 1)
    polls = dashscope.polls()
    await asyncio.sleep(0.2)
    assert dashscope.polls() == polls


async def test_a_missing_key_is_refused_at_validation(prt: Runtime, dashscope: DashScopeFake):
    configure(prt, "dashscope", dashscope.url)
    sub = await prt.jobs.submit(happyhorse_t2v())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "KERORO_DASHSCOPE_API_KEY" in error["message"]
    assert dashscope.requests == []


def load_video(rt: Runtime, name: str = "clip.mp4", seconds: float = 3.0) -> dict[str, Any]:
    (rt.settings.paths.input / name).write_bytes(mp4_bytes(320, 240, 8, seconds))
    return {"class_type": "LoadVideo", "inputs": {"file": name}}


async def test_reference_videos_go_through_dashscopes_temporary_storage(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("WanReferenceVideoApi", {
        "model": "wan2.6-r2v", "prompt": "two knights face each other", "negative_prompt": "",
        "size": "720p: 16:9 (1280x720)", "duration": 5, "seed": 1, "shot_type": "multi", "watermark": False,
        "reference_videos.character1": ["v", 0], "reference_videos.character2": ["w", 0]},
        v=load_video(qrt), w=load_video(qrt, "other.mp4", 2.0))
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    [policy_a, policy_b] = [r for r in dashscope.seen("/api/v1/uploads")]
    assert policy_a.query == {"action": "getPolicy", "model": "wan2.6-r2v"}
    assert all("Authorization" not in r.headers for r in dashscope.seen("/oss-upload"))  # our key never goes there
    urls = dashscope.bodies[0]["input"]["reference_video_urls"]
    assert [u.startswith("oss://") for u in urls] == [True, True]
    assert {dashscope.uploads[u.removeprefix("oss://")][1] for u in urls} == {
        (qrt.settings.paths.input / "clip.mp4").read_bytes(), (qrt.settings.paths.input / "other.mp4").read_bytes()}
    [synthesis] = dashscope.seen(VIDEO)
    assert synthesis.headers["X-DashScope-OssResourceResolve"] == "enable"
    assert dashscope.bodies[0]["parameters"]["size"] == "1280*720"


async def test_wan27_video_edit_sends_the_video_and_reference_images(qrt: Runtime, dashscope: DashScopeFake):
    graph = graph_of("Wan2VideoEditApi", {
        "model": "wan2.7-videoedit", "model.prompt": "replace the car with a horse", "model.resolution": "720P",
        "model.ratio": "16:9", "model.duration": "auto", "seed": 2, "audio_setting": "auto", "watermark": False,
        "video": ["v", 0], "model.reference_images.image1": ["i", 0]}, v=load_video(qrt), i=image())
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.SUCCESS, record.error
    body = dashscope.bodies[0]
    assert [m["type"] for m in body["input"]["media"]] == ["video", "reference_image"]
    assert body["input"]["media"][0]["url"].startswith("oss://dashscope-instant/")
    assert body["parameters"] == {"resolution": "720P", "ratio": "16:9", "duration": 0, "audio_setting": "auto",
                                  "watermark": False, "seed": 2}


async def test_a_refused_upload_fails_naming_the_storage(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(403, "<Error><Code>AccessDenied</Code></Error>", path_prefix="/oss-upload")
    graph = graph_of("Wan2VideoContinuationApi", {
        "model": "wan2.7-i2v", "model.prompt": "and then it rains", "model.negative_prompt": "",
        "model.resolution": "720P", "model.duration": 5, "seed": 3, "prompt_extend": True, "watermark": False,
        "first_clip": ["v", 0]}, v=load_video(qrt))
    record = await run_graph(qrt, graph)
    assert record.status == JobStatus.ERROR and "temporary storage" in record.error["exception_message"]
    assert dashscope.bodies == []
