"""SiliconFlowVideo through the real engine against the SiliconFlow fake: submit,
POST polls through InQueue → InProgress → Succeed with the queue position shown,
the video downloaded at once and described from the file, failures with
SiliconFlow's reason, retries, cancellation, size caps and credentials."""
from __future__ import annotations

import asyncio

import pytest

from keroro_graph.engine.events import NodeText
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.siliconflow import BUSY, RATE_LIMITED, SiliconFlowFake
from tests.providers.conftest import configure
from tests.providers.siliconflow.conftest import (KEY, WRONG_KEY, error_of, pack_module, text_of, video_graph,
                                                  with_frame)

SUBMIT, STATUS = "/v1/video/submit", "/v1/video/status"


async def test_text_to_video(rt: Runtime, fake: SiliconFlowFake):
    shown: list[str] = []
    rt.bus.subscribe(lambda e: shown.append(e.text) if isinstance(e, NodeText) else None)
    record = await run_graph(rt, video_graph())
    assert record.status.value == "success", record.error
    request_id = text_of(record, "3")
    assert request_id in fake.tasks
    described = text_of(record)
    assert "width=320" in described and "height=180" in described and "duration_s=5.0" in described
    [video] = record.outputs["1"]["videos"]
    assert video["subfolder"] == "siliconflow" and video["type"] == "output"
    assert (rt.settings.paths.output / "siliconflow" / video["filename"]).stat().st_size > 0
    assert [s.method for s in fake.seen(STATUS)] == ["POST"] * 5
    assert all(json_body(s) == {"requestId": request_id} for s in fake.seen(STATUS))
    assert any("position 2 in the queue" in t for t in shown)
    submit = fake.seen(SUBMIT)[0]
    assert submit.headers["Authorization"] == f"Bearer {KEY}"
    assert json_body(submit) == {"model": "Wan-AI/Wan2.2-T2V-A14B", "prompt": "a paper boat drifting on a pond",
                                 "image_size": "1280x720", "seed": 0}
    assert all("Authorization" not in s.headers for s in fake.seen("/files/"))


async def test_image_to_video_sends_the_start_frame(rt: Runtime, fake: SiliconFlowFake):
    graph = with_frame(video_graph(model="Wan-AI/Wan2.2-I2V-A14B", image_size="960x960"))
    record = await run_graph(rt, graph)
    assert record.status.value == "success", record.error
    assert json_body(fake.seen(SUBMIT)[0])["image"].startswith("data:image/jpeg;base64,")
    assert "width=240" in text_of(record)


async def test_failed_task_reports_the_reason(rt: Runtime, fake: SiliconFlowFake):
    fake.video_failure = "inference timeout on worker"
    error = error_of(await run_graph(rt, video_graph()))
    assert error["node_id"] == "1" and error["exception_type"].endswith("TaskFailedError")
    assert "inference timeout on worker" in error["exception_message"]


@pytest.mark.parametrize("path,status,body,headers", [
    (SUBMIT, 429, RATE_LIMITED, {}),
    (STATUS, 429, RATE_LIMITED, {"Retry-After": "0"}),
    (STATUS, 503, BUSY, {}),
    ("/files/", 503, "busy", {}),
])
async def test_retries_then_succeeds(rt: Runtime, fake: SiliconFlowFake, path, status, body, headers):
    fake.fail_next(status, body, headers=headers, path_prefix=path)
    record = await run_graph(rt, video_graph())
    assert record.status.value == "success", record.error
    assert len(fake.seen(SUBMIT)) == (2 if path == SUBMIT else 1)


async def test_a_5xx_submit_is_not_sent_again(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(503, BUSY, path_prefix=SUBMIT)
    error = error_of(await run_graph(rt, video_graph()))
    assert error["exception_type"].endswith("AmbiguousCreateError") and "console" in error["exception_message"]
    assert len(fake.seen(SUBMIT)) == 1 and fake.seen(STATUS) == []


async def test_retries_exhausted_names_the_node(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(503, BUSY, times=10, path_prefix=STATUS)
    error = error_of(await run_graph(rt, video_graph()))
    assert error["node_id"] == "1" and error["node_type"] == "SiliconFlowVideo"
    assert error["exception_type"].endswith("ProviderUnavailableError")
    assert len(fake.seen(SUBMIT)) == 1


async def test_bad_key_fails_at_once(rt: Runtime, fake: SiliconFlowFake):
    configure(rt, "siliconflow", f"{fake.url}/v1", api_key=WRONG_KEY)
    error = error_of(await run_graph(rt, video_graph()))
    assert error["exception_type"].endswith("AuthError")
    assert len(fake.requests) == 1


async def test_cancel_stops_polling(rt: Runtime, fake: SiliconFlowFake):
    fake.video_steps = ["InProgress"] * 100_000
    sub = await rt.jobs.submit(video_graph())
    await until(lambda: fake.polls() >= 2)
    await rt.jobs.cancel(sub.prompt_id)
    record = await rt.jobs.wait(sub.prompt_id, timeout_s=1)
    assert record.status.value == "interrupted"
    polls = fake.polls()
    await asyncio.sleep(0.5)
    assert fake.polls() == polls


async def test_result_too_large(rt: Runtime, fake: SiliconFlowFake, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pack_module(rt, "SiliconFlowVideo", "client").SiliconFlowClient, "max_result_bytes", 512)
    error = error_of(await run_graph(rt, video_graph()))
    assert error["exception_type"].endswith("ResultTooLargeError")


async def test_malformed_status_is_reported(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(200, {"state": "??"}, path_prefix=STATUS)
    error = error_of(await run_graph(rt, video_graph()))
    assert "video status was not understood" in error["exception_message"]


@pytest.mark.parametrize("model,with_image,message", [
    ("Wan-AI/Wan2.2-I2V-A14B", False, "image: Wan-AI/Wan2.2-I2V-A14B animates a start frame"),
    ("Wan-AI/Wan2.2-T2V-A14B", True, "image: Wan-AI/Wan2.2-T2V-A14B is text-to-video"),
])
async def test_start_frame_rules(rt: Runtime, fake: SiliconFlowFake, model, with_image, message):
    graph = video_graph(model=model)
    error = error_of(await run_graph(rt, with_frame(graph) if with_image else graph))
    assert message in error["exception_message"]
    assert fake.requests == []


async def test_missing_credentials_refuse_the_graph(prt: Runtime, fake: SiliconFlowFake):
    sub = await prt.jobs.submit(video_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "SILICONFLOW_API_KEY" in error["message"]
    assert fake.requests == []


async def test_connections_are_reused(rt: Runtime, fake: SiliconFlowFake):
    for seed in range(4):
        assert (await run_graph(rt, video_graph(seed=seed))).status.value == "success"
    assert len(fake.seen(STATUS)) == 20
    assert fake.connections <= 2
