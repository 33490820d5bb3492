"""RunningHubAIApp through the real engine against the fake RunningHub: the app run
with overrides and an uploaded image, its outputs, and the failure cases."""
from __future__ import annotations

import asyncio
import json

import pytest

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.runninghub import API_KEY, HOST, WEBAPP_ID, RunningHubFake
from tests.providers.conftest import configure
from tests.providers.runninghub.conftest import app_graph, kind

RUN = "/task/openapi/ai-app/run"


async def test_success_with_an_uploaded_image(rrt: Runtime, rh: RunningHubFake):
    rh.produces = ["mp4", "png"]
    record = await run_graph(rrt, app_graph(image=True))
    assert record.status == JobStatus.SUCCESS, record.error
    (name,) = rh.uploads
    body = rh.bodies(RUN)[0]
    assert body["apiKey"] == API_KEY and body["webappId"] == WEBAPP_ID and "instanceType" not in body
    assert body["nodeInfoList"][-1] == {"nodeId": "10", "fieldName": "image", "fieldValue": name}
    assert rh.seen_path(RUN)[0].headers["Host"] == HOST
    assert len(record.outputs["save"]["images"]) == 1
    assert record.outputs["1"]["videos"][0]["filename"].endswith(".mp4")
    assert "width=512" in record.outputs["video"]["text"][0]
    assert len(json.loads(record.outputs["urls"]["text"][0])) == 2


async def test_an_override_of_the_image_field_is_replaced_by_the_upload(rrt: Runtime, rh: RunningHubFake):
    overrides = json.dumps([{"nodeId": "10", "fieldName": "image", "fieldValue": "https://example.invalid/a.png"}])
    record = await run_graph(rrt, app_graph(image=True, node_overrides=overrides))
    assert record.status == JobStatus.SUCCESS, record.error
    infos = rh.bodies(RUN)[0]["nodeInfoList"]
    assert len(infos) == 1 and infos[0]["fieldValue"].startswith("api/")


async def test_an_unknown_app(rrt: Runtime, rh: RunningHubFake):
    record = await run_graph(rrt, app_graph(webapp_id="123"))
    assert kind(record) == "BadRequestError" and "901" in record.error["exception_message"]
    assert "AI app does not exist" in record.error["exception_message"]


async def test_an_empty_app_id_is_refused_locally(rrt: Runtime, rh: RunningHubFake):
    record = await run_graph(rrt, app_graph(webapp_id="  "))
    assert "webapp_id" in record.error["exception_message"] and rh.requests == []


async def test_retry_then_success(rrt: Runtime, rh: RunningHubFake):
    rh.fail_code(415, path=RUN)
    rh.fail_next(502, "bad gateway", path_prefix="/task/openapi/status")
    record = await run_graph(rrt, app_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(rh.seen_path(RUN)) == 2


async def test_retries_exhausted(rrt: Runtime, rh: RunningHubFake):
    rh.fail_next(503, "down", times=10, path_prefix=RUN)
    record = await run_graph(rrt, app_graph())
    assert record.error["node_id"] == "1" and kind(record) == "AmbiguousCreateError"
    assert len(rh.seen_path(RUN)) == 1  # a run that may have started is not re-sent


async def test_bad_key(prt: Runtime, rh: RunningHubFake):
    configure(prt, "runninghub", rh.url, api_key="0" * 32)
    record = await run_graph(prt, app_graph(image=True))
    assert kind(record) == "AuthError" and len(rh.requests) == 1  # the upload, refused


async def test_failed_task(rrt: Runtime, rh: RunningHubFake):
    rh.fail_reason = {"node_id": "6", "node_name": "CLIPTextEncode", "exception_type": "ValueError",
                      "exception_message": "prompt too long", "traceback": "[]"}
    record = await run_graph(rrt, app_graph())
    assert kind(record) == "TaskFailedError" and "node 6 (CLIPTextEncode)" in record.error["exception_message"]


async def test_cancel(rrt: Runtime, rh: RunningHubFake):
    rh.hold = True
    sub = await rrt.jobs.submit(app_graph())
    await until(lambda: len(rh.seen_path("/task/openapi/status")) >= 1)
    await rrt.jobs.cancel(sub.prompt_id)
    assert (await rrt.jobs.wait(sub.prompt_id, timeout_s=1.0)).status == JobStatus.INTERRUPTED
    await until(lambda: bool(rh.cancelled), timeout_s=1.0)
    polls = len(rh.seen_path("/task/openapi/status"))
    await asyncio.sleep(0.3)
    assert len(rh.seen_path("/task/openapi/status")) == polls


async def test_an_image_above_the_cap(rrt: Runtime, rh: RunningHubFake, monkeypatch: pytest.MonkeyPatch, pack):
    monkeypatch.setattr(pack.client.RunningHubClient, "max_image_bytes", 32)
    record = await run_graph(rrt, app_graph())
    assert kind(record) == "ResultTooLargeError"


async def test_an_upload_above_the_limit_is_refused_before_sending(rrt: Runtime, rh: RunningHubFake,
                                                                   monkeypatch: pytest.MonkeyPatch, pack):
    monkeypatch.setattr(pack.client.RunningHubClient, "max_upload_bytes", 10)
    record = await run_graph(rrt, app_graph(image=True))
    assert kind(record) == "BadRequestError" and "at most 10" in record.error["exception_message"]
    assert rh.requests == []


async def test_missing_credentials(prt: Runtime):
    sub = await prt.jobs.submit(app_graph())
    assert not sub.accepted and sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"
