"""ModelScopeImage through the real engine against the fake ModelScope: both async
headers, UTF-8 JSON, real pixels, edit models with data-URL images, the daily quota
in the status line, both error bodies, and the failure cases every provider node
must handle."""
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
from tests.fakes.modelscope import TOKEN, ModelScopeFake, rate_limit_body
from tests.providers.conftest import configure
from tests.providers.modelscope.conftest import image_graph, kind, saved, status_lines, texts

SUBMIT = "/v1/images/generations"
TASKS = "/v1/tasks/"


async def test_success_sends_utf8_json_and_returns_real_pixels(mrt: Runtime, modelscope: ModelScopeFake):
    lines = status_lines(mrt)
    record = await run_graph(mrt, image_graph(prompt="一只红色陶瓷杯，柔和的影棚光", seed=42))
    assert record.status == JobStatus.SUCCESS, record.error
    [frame] = saved(mrt, record)
    assert frame.shape == (240, 320, 3)
    assert [round(float(v) * 255) for v in frame[3, 3]] == [30, 160, 90]
    submit = modelscope.seen(SUBMIT)[0]
    assert "一只红色陶瓷杯".encode() in submit.body and b"\\u" not in submit.body
    assert submit.headers["X-ModelScope-Async-Mode"] == "true"
    assert json_body(submit) == {"model": "Qwen/Qwen-Image", "prompt": "一只红色陶瓷杯，柔和的影棚光",
                                 "size": "320x240", "seed": 42}
    polls = modelscope.seen(TASKS)
    assert len(polls) == 3 and all(p.headers["X-ModelScope-Task-Type"] == "image_generation" for p in polls)
    assert texts(record, "task") in modelscope.tasks
    assert any("calls left today" in line and "for this model" in line for line in lines), lines


async def test_requests_carry_exactly_the_bearer_token_and_downloads_none(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    api = modelscope.seen("/v1/")
    assert api and all(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in api)
    assert all("Authorization" not in r.headers for r in modelscope.seen("/files/"))


async def test_optional_settings_are_sent_only_when_set(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, image_graph(model="black-forest-labs/FLUX.1-Krea-dev", size="512*512", steps=28,
                                              guidance=3.5, negative_prompt="blurry"))
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(modelscope.seen(SUBMIT)[0])
    assert body["size"] == "512x512" and body["steps"] == 28 and body["guidance"] == 3.5
    assert body["negative_prompt"] == "blurry"


async def test_the_other_result_shape_is_read_too(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.result_shape = "output.images"
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert saved(mrt, record)[0].shape == (240, 320, 3)


async def test_an_edit_model_gets_the_image_as_a_list_of_data_urls(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, image_graph(image=(200, 150), model="Qwen/Qwen-Image-Edit-2511",
                                              prompt="make the mug blue"))
    assert record.status == JobStatus.SUCCESS, record.error
    [url] = json_body(modelscope.seen(SUBMIT)[0])["image_url"]
    assert url.startswith("data:image/jpeg;base64,")
    assert Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).size == (200, 150)


async def test_an_edit_model_without_an_image_is_refused(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, image_graph(model="Qwen/Qwen-Image-Edit-2511"))
    assert record.status == JobStatus.ERROR and "image" in record.error["exception_message"]
    assert modelscope.requests == []


@pytest.mark.parametrize("inputs, words", [
    ({"size": "1800x1800"}, ["size", "1664"]),
    ({"model": "black-forest-labs/FLUX.1-Krea-dev", "size": "2048x2048"}, ["size", "1024"]),
    ({"guidance": 1.0}, ["guidance", "1.5"]),
    ({"custom_model": "not a model id"}, ["custom_model"]),
])
async def test_bad_inputs_are_refused_before_anything_runs(mrt: Runtime, modelscope: ModelScopeFake,
                                                          inputs, words):
    sub = await mrt.jobs.submit(image_graph(**inputs))
    assert not sub.accepted
    message = str(sub.node_errors["1"]["errors"])
    assert all(w in message for w in words), message
    assert modelscope.requests == []


async def test_an_unknown_model_gets_the_errors_body_as_a_bad_request(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, image_graph(custom_model="nobody/unknown-model"))
    assert record.status == JobStatus.ERROR and kind(record) == "BadRequestError"
    assert "has no provider supported" in record.error["exception_message"]
    assert len(modelscope.requests) == 1


@pytest.mark.parametrize("status, body, headers", [
    (429, rate_limit_body(), {}),
    (429, rate_limit_body(), {"Retry-After": "0"}),
])
async def test_a_refused_submit_is_retried_then_succeeds(mrt: Runtime, modelscope: ModelScopeFake, status, body,
                                                        headers):
    modelscope.fail_next(status, body, headers=headers, path_prefix=SUBMIT)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(modelscope.seen(SUBMIT)) == 2


async def test_a_5xx_submit_is_not_sent_again(mrt: Runtime, modelscope: ModelScopeFake):
    """The task may have been created (and charged): fail naming that, never re-send."""
    modelscope.fail_next(503, {"errors": {"message": "busy"}}, path_prefix=SUBMIT)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AmbiguousCreateError"
    assert "busy" in record.error["exception_message"] and "may have accepted it" in record.error["exception_message"]
    assert len(modelscope.seen(SUBMIT)) == 1


async def test_a_429_with_no_quota_left_today_is_not_retried(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.remaining = 0
    modelscope.fail_next(429, rate_limit_body(), path_prefix=SUBMIT)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "QuotaError"
    assert "达到使用量上限" in record.error["exception_message"]
    assert len(modelscope.requests) == 1


async def test_retries_exhausted_fail_naming_the_node(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.fail_next(429, rate_limit_body(), times=10, path_prefix=SUBMIT)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.ERROR and record.error["node_id"] == "1"
    assert kind(record) == "RateLimitedError" and "modelscope" in record.error["exception_message"]
    assert len(modelscope.seen(SUBMIT)) == 3


async def test_a_failing_poll_is_retried(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.fail_next(502, "Bad Gateway", path_prefix=TASKS)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_a_bad_token_fails_at_once(prt: Runtime, modelscope: ModelScopeFake):
    configure(prt, "modelscope", modelscope.url + "/v1", token="ms-wrong")
    record = await run_graph(prt, image_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AuthError"
    assert "ms-wrong" not in record.error["exception_message"]
    assert len(modelscope.requests) == 1


@pytest.mark.parametrize("field", ["errors", "message", "error_msg"])
async def test_a_failed_task_reports_the_reason_wherever_it_is(mrt: Runtime, modelscope: ModelScopeFake, field):
    modelscope.outcome, modelscope.failure_field = "fail", field
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "TaskFailedError"
    assert "图片生成失败" in record.error["exception_message"]


async def test_cancel_while_polling_stops_polls(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.outcome = "hold"
    sub = await mrt.jobs.submit(image_graph())
    assert sub.accepted
    await until(lambda: modelscope.polls() >= 2)
    await mrt.jobs.cancel(sub.prompt_id)
    record = await mrt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED
    polls = modelscope.polls()
    await asyncio.sleep(0.5)
    assert modelscope.polls() == polls


async def test_a_result_over_the_size_cap_fails(mrt: Runtime, modelscope: ModelScopeFake, client_module,
                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(client_module.ModelScopeClient, "max_result_bytes", 100)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "ResultTooLargeError"


async def test_a_malformed_submit_answer_is_a_clear_error(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.fail_next(200, {"unexpected": True}, path_prefix=SUBMIT)
    record = await run_graph(mrt, image_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "ProviderError"
    assert "unexpected body" in record.error["exception_message"]


async def test_missing_credentials_refuse_the_graph(prt: Runtime, modelscope: ModelScopeFake):
    prt.provider_settings.update("modelscope", {"base_url": modelscope.url + "/v1"})
    sub = await prt.jobs.submit(image_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "KERORO_MODELSCOPE_TOKEN" in error["message"]
    assert modelscope.requests == []


async def test_a_bare_host_base_url_means_v1(prt: Runtime, modelscope: ModelScopeFake):
    configure(prt, "modelscope", modelscope.url, token=TOKEN)
    record = await run_graph(prt, image_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_connections_are_reused_across_runs(mrt: Runtime, modelscope: ModelScopeFake):
    for seed in range(5):
        record = await run_graph(mrt, image_graph(seed=seed))
        assert record.status == JobStatus.SUCCESS, record.error
    assert len(modelscope.requests) >= 25 and modelscope.connections <= 2
