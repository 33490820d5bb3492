"""KlingImageToVideo through the real engine against the fake Kling server: frames
go up as raw base64 within Kling's limits, end-frame rules are checked locally, and
the usual retry, auth, failure, cancel, size-cap and credential cases."""
from __future__ import annotations

import asyncio
import base64
import io

import pytest
from PIL import Image

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.kling import ACCESS_KEY, KlingFake
from tests.providers.conftest import configure
from tests.providers.kling.conftest import i2v_graph
from tests.providers.kling.test_kling_text_to_video import kind, video_of


async def test_success_sends_raw_base64_frames_and_returns_the_video(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, i2v_graph(start=(800, 450), end=(800, 450), model="kling-v1-5", cfg_scale=0.3))
    assert record.status == JobStatus.SUCCESS, record.error
    video = video_of(krt, record)
    assert (video.width, video.height, video.duration_s, video.fps) == (1280, 720, 5.0, 24.0)
    body = json_body(kling.creates("image2video")[0])
    assert not body["image"].startswith("data:") and not body["image_tail"].startswith("data:")
    with Image.open(io.BytesIO(base64.b64decode(body["image"]))) as frame:
        assert frame.size == (800, 450) and frame.format == "JPEG"
        red, green, blue = frame.getpixel((400, 225))
        assert abs(red - 0x33) < 8 and abs(green - 0x66) < 8 and abs(blue - 0xCC) < 8
    assert body["cfg_scale"] == 0.3 and body["duration"] == "5"
    assert record.outputs["p1"]["text"][0] in kling.tasks


async def test_large_frames_are_downscaled_before_upload(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, i2v_graph(start=(4000, 2000)))
    assert record.status == JobStatus.SUCCESS, record.error
    assert [(name, img.width, img.height) for name, img in kling.images] == [("image", 2048, 1024)]


@pytest.mark.parametrize("size, words", [((299, 600), "at least 300 px"), ((1200, 300), "aspect")])
async def test_frames_kling_would_refuse_are_refused_locally(krt: Runtime, kling: KlingFake, size, words):
    record = await run_graph(krt, i2v_graph(start=size))
    assert kind(record) == "BadRequestError"
    assert "start_frame" in record.error["exception_message"] and words in record.error["exception_message"]
    assert kling.requests == []


async def test_an_end_frame_needs_five_seconds_and_no_camera_move(krt: Runtime, kling: KlingFake):
    ten = await run_graph(krt, i2v_graph(end=(640, 360), duration="10"))
    assert "end_frame" in ten.error["exception_message"] and "5" in ten.error["exception_message"]
    moving = await run_graph(krt, i2v_graph(end=(640, 360), camera_control="down_back"))
    assert "camera_control" in moving.error["exception_message"]
    assert kling.requests == []


async def test_a_data_url_is_what_kling_refuses(kling: KlingFake, pack):
    """The fake enforces the rule the client relies on (spec §2.10)."""
    import httpx

    from keroro_graph.api import BadRequestError
    async with httpx.AsyncClient() as http:
        client = pack.client.KlingClient(http=http, base_url=kling.url,
                             secrets={"access_key": ACCESS_KEY, "secret_key": kling.secret_key})
        with pytest.raises(BadRequestError, match="data: prefix") as caught:
            request = pack.models.Image2VideoRequest(model_name="kling-v1", image="data:image/png;base64,AAAA")
            await client.create("image2video", request)
    assert caught.value.code == 1201


async def test_rate_limit_then_success(krt: Runtime, kling: KlingFake):
    kling.rate_limit_next(times=2)
    record = await run_graph(krt, i2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.creates()) == 3 and len(kling.tasks) == 1


async def test_server_errors_exhaust_the_retries(krt: Runtime, kling: KlingFake):
    kling.unavailable_next(times=10)
    record = await run_graph(krt, i2v_graph())
    # the create may have been accepted and the lookup failed too: said so, never re-sent blind
    assert record.error["node_id"] == "1" and kind(record) == "AmbiguousCreateError"
    assert "service temporarily unavailable" in record.error["exception_message"]
    assert "check Kling's task list" in record.error["exception_message"]
    assert len(kling.creates()) == 1


async def test_a_wrong_access_key_is_refused_once(prt: Runtime, kling: KlingFake):
    configure(prt, "kling", kling.url, access_key="ak-someone-else", secret_key=kling.secret_key)
    record = await run_graph(prt, i2v_graph())
    assert kind(record) == "AuthError" and "1000" in record.error["exception_message"]
    assert len(kling.requests) == 1


async def test_a_failed_task_reports_the_reason(krt: Runtime, kling: KlingFake):
    kling.fail_reason = "image resolution unsupported"
    record = await run_graph(krt, i2v_graph())
    assert kind(record) == "TaskFailedError" and "image resolution unsupported" in record.error["exception_message"]


async def test_cancel_while_polling(krt: Runtime, kling: KlingFake):
    kling.hold = True
    sub = await krt.jobs.submit(i2v_graph())
    await until(lambda: len(kling.polls()) >= 1)
    await krt.jobs.cancel(sub.prompt_id)
    record = await krt.jobs.wait(sub.prompt_id, timeout_s=1.0)
    assert record.status == JobStatus.INTERRUPTED
    polls = len(kling.polls())
    await asyncio.sleep(0.3)
    assert len(kling.polls()) == polls


async def test_a_video_above_the_cap(krt: Runtime, kling: KlingFake, monkeypatch: pytest.MonkeyPatch, pack):
    monkeypatch.setattr(pack.client.KlingClient, "max_video_bytes", 100)
    record = await run_graph(krt, i2v_graph())
    assert kind(record) == "ResultTooLargeError"


async def test_missing_credentials(prt: Runtime):
    sub = await prt.jobs.submit(i2v_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "access_key" in error["message"] and "secret_key" in error["message"]
