"""RunningHubWorkflow through the real engine against the fake RunningHub: outputs
with real pixels and video metadata, image upload and injection, override checks,
business-code errors over HTTP 200, retries, failed tasks with the failing node,
cancellation through /cancel, size caps and missing keys."""
from __future__ import annotations

import asyncio
import io
import json

import pytest
from PIL import Image

from keroro_graph import media
from keroro_graph.api import provider_media
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.runninghub import API_KEY, HOST, WORKFLOW_ID, RunningHubFake
from tests.providers.conftest import configure
from tests.providers.runninghub.conftest import kind, workflow_graph

CREATE = "/task/openapi/create"
STATUS = "/task/openapi/status"
OUTPUTS = "/task/openapi/outputs"


def saved_images(rt: Runtime, record) -> list:
    return [media.decode((rt.settings.paths.output / f["subfolder"] / f["filename"]).read_bytes())[0][0]
            for f in record.outputs["save"]["images"]]


async def test_success_returns_images_video_urls_and_task_id(rrt: Runtime, rh: RunningHubFake):
    record = await run_graph(rrt, workflow_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    frames = saved_images(rrt, record)
    assert [f.shape for f in frames] == [(48, 64, 3), (48, 64, 3)]
    assert [round(float(f[0, 0, 2]) * 255) for f in frames] == [30, 70]
    entry = record.outputs["1"]["videos"][0]
    assert entry["subfolder"] == "runninghub" and entry["type"] == "output"
    video = provider_media.video_ref(rrt.settings.paths.output / "runninghub" / entry["filename"])
    assert (video.width, video.height, video.duration_s, video.fps) == (512, 288, 3.0, 16.0)
    urls = json.loads(record.outputs["urls"]["text"][0])
    assert len(urls) == 3 and urls[2].endswith(".mp4")
    task_id = record.outputs["task"]["text"][0]
    assert rh.tasks[task_id].state == "SUCCESS"
    assert rh.bodies(CREATE) == [{"apiKey": API_KEY, "workflowId": WORKFLOW_ID, "nodeInfoList": [
        {"nodeId": "6", "fieldName": "text", "fieldValue": "a glass teapot, studio light"},
        {"nodeId": "3", "fieldName": "seed", "fieldValue": 42}]}]


async def test_requests_carry_the_key_in_the_body_and_the_host_header(rrt: Runtime, rh: RunningHubFake):
    await run_graph(rrt, workflow_graph())
    api = [r for r in rh.requests if not r.path.startswith("/files/")]
    assert {r.path for r in api} == {CREATE, STATUS, OUTPUTS}
    for call in api:
        assert call.headers["Host"] == HOST and "Authorization" not in call.headers
        assert call.headers["Content-Type"] == "application/json"
        assert json.loads(call.body)["apiKey"] == API_KEY
    downloads = rh.seen("/files/")
    assert len(downloads) == 3
    assert all(API_KEY not in json.dumps(r.headers) and r.headers["Host"] != HOST for r in downloads)


async def test_an_image_is_uploaded_and_wired_into_the_load_image_node(rrt: Runtime, rh: RunningHubFake):
    record = await run_graph(rrt, workflow_graph(image=True, instance_type="plus"))
    assert record.status == JobStatus.SUCCESS, record.error
    (name, (data, ext)), = rh.uploads.items()
    assert name.startswith("api/") and name.endswith(".png") and ext == "png"
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (320, 200) and img.getpixel((5, 5))[:3] == (0x20, 0xA0, 0x40)
    upload = rh.seen_path("/task/openapi/upload")[0]
    assert upload.headers["Host"] == HOST and upload.headers["Content-Type"].startswith("multipart/form-data")
    body = rh.bodies(CREATE)[0]
    assert body["nodeInfoList"][-1] == {"nodeId": "10", "fieldName": "image", "fieldValue": name}
    assert body["instanceType"] == "plus"


@pytest.mark.parametrize("text, words", [
    ("{not json", "not valid JSON"),
    ("42", "expected a JSON list"),
    ('[{"nodeId": "6", "fieldValue": "x"}]', "item 1 has no fieldName"),
    ('[{"nodeId": "6", "fieldName": "text", "fieldValue": 1}, "oops"]', "item 2 is str"),
    ('[{"nodeId": "6", "fieldName": "text", "fieldValue": 1, "extra": 2}]', "unknown key(s) extra"),
    ('[{"nodeId": "", "fieldName": "text", "fieldValue": 1}]', "nodeId must be"),
])
async def test_bad_overrides_are_refused_before_any_request(rrt: Runtime, rh: RunningHubFake, text, words):
    record = await run_graph(rrt, workflow_graph(node_overrides=text))
    assert kind(record) == "BadRequestError"
    assert "node_overrides" in record.error["exception_message"] and words in record.error["exception_message"]
    assert rh.requests == []


async def test_an_image_needs_a_target_node(rrt: Runtime, rh: RunningHubFake):
    graph = workflow_graph(image=True)
    graph["1"]["inputs"]["image_node_id"] = " "
    record = await run_graph(rrt, graph)
    assert "image_node_id" in record.error["exception_message"] and rh.requests == []


async def test_missing_outputs_block_only_their_consumers(rrt: Runtime, rh: RunningHubFake):
    rh.produces = ["txt", "png"]
    record = await run_graph(rrt, workflow_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(record.outputs["save"]["images"]) == 1
    assert "video" not in record.outputs and "videos" not in record.outputs.get("1", {})
    assert len(json.loads(record.outputs["urls"]["text"][0])) == 2


async def test_pending_codes_from_outputs_are_not_errors(rrt: Runtime, rh: RunningHubFake):
    """With /status unusable, /outputs alone drives the poll: 813, 804, then files."""
    rh.fail_code(301, path=STATUS, times=100)
    record = await run_graph(rrt, workflow_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(rh.seen_path(OUTPUTS)) == 3


@pytest.mark.parametrize("scenario", ["queue_maxed", "http_429"])
async def test_transient_failures_are_retried(rrt: Runtime, rh: RunningHubFake, scenario: str):
    if scenario == "queue_maxed":
        rh.fail_code(421, path=CREATE)
    else:
        rh.fail_next(429, "busy", path_prefix=CREATE)
    record = await run_graph(rrt, workflow_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(rh.seen_path(CREATE)) == 2 and len(rh.tasks) == 1


@pytest.mark.parametrize("failure", ["http_503", "http_502"])
async def test_a_create_that_failed_after_sending_is_never_sent_again(rrt: Runtime, rh: RunningHubFake, failure):
    """RunningHub has no idempotency key: a 5xx after the create was sent may hide a
    running (billed) task, so the node fails naming the uncertainty."""
    rh.fail_next(503 if failure == "http_503" else 502, "gateway", path_prefix=CREATE)
    record = await run_graph(rrt, workflow_graph())
    assert record.error["node_id"] == "1" and kind(record) == "AmbiguousCreateError"
    message = record.error["exception_message"]
    assert "may have accepted it" in message and "not sent again" in message
    assert len(rh.seen_path(CREATE)) == 1


async def test_retries_exhausted_name_the_node_and_the_code(rrt: Runtime, rh: RunningHubFake):
    rh.fail_code(421, path=CREATE, times=10)
    record = await run_graph(rrt, workflow_graph())
    assert record.error["node_id"] == "1" and kind(record) == "RateLimitedError"
    assert "TASK_QUEUE_MAXED" in record.error["exception_message"] and "421" in record.error["exception_message"]
    assert len(rh.seen_path(CREATE)) == 3


async def test_a_wrong_key_is_refused_once(prt: Runtime, rh: RunningHubFake):
    configure(prt, "runninghub", rh.url, api_key="f" * 32)
    record = await run_graph(prt, workflow_graph())
    assert kind(record) == "AuthError" and "802" in record.error["exception_message"]
    assert len(rh.requests) == 1 and "f" * 32 not in json.dumps(record.error)


@pytest.mark.parametrize("code, expected", [(812, "QuotaError"), (806, "AuthError"), (380, "BadRequestError"),
                                            (803, "BadRequestError"), (999, "ProviderError")])
async def test_business_codes_are_not_retried(rrt: Runtime, rh: RunningHubFake, code: int, expected: str):
    rh.fail_code(code, path=CREATE)
    record = await run_graph(rrt, workflow_graph())
    assert kind(record) == expected and str(code) in record.error["exception_message"]
    assert len(rh.requests) == 1


async def test_validation_failures_at_runninghub_carry_the_details(rrt: Runtime, rh: RunningHubFake):
    overrides = json.dumps([{"nodeId": "10", "fieldName": "image", "fieldValue": "missing.png"}])
    record = await run_graph(rrt, workflow_graph(node_overrides=overrides))
    assert kind(record) == "BadRequestError" and "433" in record.error["exception_message"]
    assert "Invalid image file: missing.png" in record.error["exception_message"]


async def test_prompt_tips_with_node_errors_are_refused(rrt: Runtime, rh: RunningHubFake):
    tips = {"result": False, "error": "Prompt outputs failed validation",
            "node_errors": {"6": {"errors": [{"message": "text is required"}]}}}
    rh.fail_code(0, path=CREATE, data={"taskId": "1", "taskStatus": "FAILED", "promptTips": json.dumps(tips)})
    record = await run_graph(rrt, workflow_graph())
    assert kind(record) == "BadRequestError"
    assert "node 6" in record.error["exception_message"] and "text is required" in record.error["exception_message"]


async def test_a_failed_task_names_the_failing_node(rrt: Runtime, rh: RunningHubFake):
    rh.fail_reason = {"current_outputs": "{}", "exception_type": "torch.OutOfMemoryError", "node_name": "KSampler",
                      "current_inputs": "{}", "traceback": "[\"line 1\"]", "node_id": "3",
                      "exception_message": "CUDA out of memory"}
    record = await run_graph(rrt, workflow_graph())
    assert kind(record) == "TaskFailedError"
    message = record.error["exception_message"]
    assert "node 3 (KSampler)" in message and "torch.OutOfMemoryError: CUDA out of memory" in message


async def test_malformed_answers(rrt: Runtime, rh: RunningHubFake):
    rh.fail_next(200, "<html>oops</html>", path_prefix=STATUS)
    ok = await run_graph(rrt, workflow_graph())
    assert ok.status == JobStatus.SUCCESS, ok.error  # a garbled poll is retried
    rh.fail_next(200, "<html>oops</html>", path_prefix=CREATE)
    before = len(rh.requests)
    bad = await run_graph(rrt, workflow_graph(node_overrides=""))
    assert kind(bad) == "ProviderError" and len(rh.requests) == before + 1  # a garbled create is not


async def test_cancel_calls_the_cancel_endpoint_and_stops_polling(rrt: Runtime, rh: RunningHubFake):
    rh.hold = True
    sub = await rrt.jobs.submit(workflow_graph())
    await until(lambda: len(rh.seen_path(STATUS)) >= 2)
    await rrt.jobs.cancel(sub.prompt_id)
    record = await rrt.jobs.wait(sub.prompt_id, timeout_s=1.0)
    assert record.status == JobStatus.INTERRUPTED
    await until(lambda: bool(rh.cancelled), timeout_s=1.0)
    (task_id,) = rh.tasks
    assert rh.cancelled == [task_id]
    assert rh.bodies("/task/openapi/cancel") == [{"apiKey": API_KEY, "taskId": task_id}]
    polls = len(rh.seen_path(STATUS)) + len(rh.seen_path(OUTPUTS))
    await asyncio.sleep(0.3)
    assert len(rh.seen_path(STATUS)) + len(rh.seen_path(OUTPUTS)) == polls


async def test_a_video_above_the_cap(rrt: Runtime, rh: RunningHubFake, monkeypatch: pytest.MonkeyPatch, pack):
    monkeypatch.setattr(pack.client.RunningHubClient, "max_video_bytes", 256)
    record = await run_graph(rrt, workflow_graph())
    assert kind(record) == "ResultTooLargeError" and "256" in record.error["exception_message"]


async def test_missing_credentials(prt: Runtime, rh: RunningHubFake):
    sub = await prt.jobs.submit(workflow_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "api_key" in error["message"] and "Settings" in error["message"]
    assert "KERORO_RUNNINGHUB_API_KEY" in error["message"]
    assert rh.requests == []
