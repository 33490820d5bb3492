"""KlingTextToVideo through the real engine against the fake Kling server: success
with real video metadata, retries, auth failures, failed tasks, cancellation, size
caps, missing keys and local input checks."""
from __future__ import annotations

import asyncio

import pytest

from keroro_graph.api import provider_media
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.kling import ACCESS_KEY, KlingFake
from tests.providers.conftest import configure
from tests.providers.kling.conftest import cancel_mid_poll, t2v_graph

CREATE = "/v1/videos/text2video"


def kind(record) -> str:
    """The error's class name (the record holds the qualified name)."""
    return record.error["exception_type"].rsplit(".", 1)[-1]


def video_of(rt: Runtime, record, node_id: str = "1"):
    entry = record.outputs[node_id]["videos"][0]
    assert entry["type"] == "output" and entry["subfolder"] == "kling"
    return provider_media.video_ref(rt.settings.paths.output / entry["subfolder"] / entry["filename"])


async def test_success_returns_the_video_with_its_metadata_and_the_task_id(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, t2v_graph(duration="10", aspect_ratio="9:16", mode="pro"))
    assert record.status == JobStatus.SUCCESS, record.error
    video = video_of(krt, record)
    assert (video.width, video.height, video.duration_s, video.fps) == (720, 1280, 10.0, 24.0)
    assert "width=720" in record.outputs["p0"]["text"][0]
    task_id = record.outputs["p1"]["text"][0]
    assert task_id in kling.tasks and kling.tasks[task_id].status == "succeed"
    body = json_body(kling.creates()[0])
    assert body.pop("external_task_id").startswith("kg-")
    assert body == {"model_name": "kling-v2-1", "prompt": "a red fox running through snow", "mode": "pro",
                    "aspect_ratio": "9:16", "duration": "10"}
    assert len(kling.polls(task_id)) == 3  # submitted, processing, succeed


async def test_v1_models_send_cfg_scale_and_camera_presets(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, t2v_graph(model="kling-v1-6", cfg_scale=0.8, camera_control="forward_up",
                                            negative_prompt="blur"))
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(kling.creates()[0])
    assert body["cfg_scale"] == 0.8 and body["camera_control"] == {"type": "forward_up"}
    assert body["negative_prompt"] == "blur"


async def test_cfg_scale_is_refused_for_v2_models_before_any_request(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, t2v_graph(model="kling-v2-master", cfg_scale=0.9))
    assert record.status == JobStatus.ERROR
    assert record.error["node_id"] == "1" and kind(record) == "BadRequestError"
    assert "cfg_scale" in record.error["exception_message"]
    assert kling.requests == []


async def test_empty_and_overlong_prompts_are_refused_locally(krt: Runtime, kling: KlingFake):
    empty = await run_graph(krt, t2v_graph(prompt="   "))
    assert "prompt" in empty.error["exception_message"]
    long = await run_graph(krt, t2v_graph(negative_prompt="x" * 2501))
    assert "negative_prompt" in long.error["exception_message"] and "2500" in long.error["exception_message"]
    assert kling.requests == []


@pytest.mark.parametrize("scenario", ["rate_limited", "rate_limited_retry_after", "unavailable"])
async def test_a_transient_failure_is_retried_then_succeeds(krt: Runtime, kling: KlingFake, scenario: str):
    if scenario == "unavailable":
        kling.unavailable_next()
    else:
        kling.rate_limit_next(retry_after="0" if scenario.endswith("after") else None)
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(kling.creates()) == 2
    assert len(kling.tasks) == 1


async def test_a_failed_poll_is_retried_too(krt: Runtime, kling: KlingFake):
    kling.fail_next(503, {"code": 5000, "message": "internal error"}, path_prefix=CREATE + "/")
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_retries_exhausted_fail_the_node_clearly(krt: Runtime, kling: KlingFake):
    kling.rate_limit_next(times=10)
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.ERROR
    assert record.error["node_id"] == "1" and kind(record) == "RateLimitedError"
    assert "parallel task over resource pack limit" in record.error["exception_message"]
    assert "1303" in record.error["exception_message"]
    assert len(kling.creates()) == 3  # the test policy's max_attempts


async def test_a_wrong_secret_key_is_an_auth_error_without_retry(prt: Runtime, kling: KlingFake):
    configure(prt, "kling", kling.url, access_key=ACCESS_KEY, secret_key="not-the-secret-but-long-enough-for-hs256")
    record = await run_graph(prt, t2v_graph())
    assert record.status == JobStatus.ERROR
    assert kind(record) == "AuthError" and "1002" in record.error["exception_message"]
    assert len(kling.requests) == 1
    assert "not-the-secret-but-long-enough-for-hs256" not in str(record.error)


async def test_an_expired_token_is_an_auth_error_without_retry(krt: Runtime, kling: KlingFake):
    kling.expire_next()
    record = await run_graph(krt, t2v_graph())
    assert kind(record) == "AuthError" and "token expired" in record.error["exception_message"]
    assert len(kling.requests) == 1


async def test_content_policy_refusal_is_not_retried(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, t2v_graph(prompt="something forbidden"))
    assert kind(record) == "ContentPolicyError"
    assert "risk control" in record.error["exception_message"]
    assert len(kling.requests) == 1


async def test_a_failed_task_reports_klings_reason(krt: Runtime, kling: KlingFake):
    kling.fail_reason = "Failure to pass the risk control system: video content"
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "TaskFailedError"
    assert "risk control system: video content" in record.error["exception_message"]
    assert not kling.seen("/files/")


async def test_cancel_while_polling_stops_the_polls(krt: Runtime, kling: KlingFake):
    await cancel_mid_poll(krt, kling, t2v_graph())
    # Kling has no cancel endpoint: nothing but creates and polls was ever sent.
    assert {(r.method, r.path.rsplit("/", 1)[0]) for r in kling.requests} <= {("POST", "/v1/videos"),
                                                                               ("GET", CREATE)}


async def test_a_video_above_the_size_cap_is_refused(krt: Runtime, kling: KlingFake,
                                                     monkeypatch: pytest.MonkeyPatch, pack):
    monkeypatch.setattr(pack.client.KlingClient, "max_video_bytes", 512)
    record = await run_graph(krt, t2v_graph())
    assert kind(record) == "ResultTooLargeError"
    assert "512" in record.error["exception_message"]


async def test_missing_credentials_refuse_the_graph_before_anything_runs(prt: Runtime, kling: KlingFake):
    configure(prt, "kling", kling.url, access_key=ACCESS_KEY)
    sub = await prt.jobs.submit(t2v_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "secret_key" in error["message"] and "Settings" in error["message"]
    assert "KERORO_KLING_SECRET_KEY" in error["message"]
    assert kling.requests == []


async def test_polling_reports_estimated_progress_and_status_text(krt: Runtime, kling: KlingFake):
    from keroro_graph.engine.events import NodeProgress, NodeText
    events: list = []
    krt.bus.subscribe(events.append)
    kling.steps = ("submitted", "processing", "processing", "processing")
    record = await run_graph(krt, t2v_graph(prompt="progress please"))
    assert record.status == JobStatus.SUCCESS, record.error
    values = [e.value for e in events if isinstance(e, NodeProgress) and e.node_id == "1"]
    assert values[-1] == 100 and any(0 < v < 100 for v in values)
    assert values == sorted(values)
    texts = [e.text for e in events if isinstance(e, NodeText) and e.node_id == "1"]
    assert any("submitted" in t for t in texts)
    assert any(t.startswith("Kling video queued") for t in texts)
    assert any(t.startswith("Kling video running") for t in texts)
