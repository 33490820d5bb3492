"""QwenTextToImage through the real engine against the fake DashScope: real pixels at
the requested size, the async header and ``*`` sizes on the wire, partial results,
and the failure cases every provider node must handle."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.dashscope import API_KEY, DashScopeFake
from tests.providers.conftest import configure
from tests.providers.qwen.conftest import kind, saved, status_lines, t2i_graph, texts

SYNTHESIS = "/api/v1/services/aigc/text2image/image-synthesis"
TASKS = "/api/v1/tasks/"


async def test_success_returns_real_pixels_at_the_requested_size(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, t2i_graph(n=2, size="320x240", seed=7, negative_prompt="blurry"))
    assert record.status == JobStatus.SUCCESS, record.error
    frames = saved(qrt, record)
    assert [f.shape for f in frames] == [(240, 320, 3), (240, 320, 3)]
    assert [round(float(f[5, 5, 0]) * 255) for f in frames] == [0, 40]  # result order kept
    submit = dashscope.seen(SYNTHESIS)[0]
    assert submit.headers["X-DashScope-Async"] == "enable"
    assert json_body(submit) == {
        "model": "wan2.2-t2i-flash",
        "input": {"prompt": "a red ceramic mug on a marble table", "negative_prompt": "blurry"},
        "parameters": {"size": "320*240", "n": 2, "seed": 7, "prompt_extend": True, "watermark": False}}
    assert texts(record, "task") in dashscope.tasks
    assert dashscope.polls() == 3  # PENDING, RUNNING, SUCCEEDED


async def test_requests_carry_exactly_the_bearer_key_and_downloads_none(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    api = [r for r in dashscope.requests if r.path.startswith("/api/")]
    assert api and all(r.headers.get("Authorization") == f"Bearer {API_KEY}" for r in api)
    downloads = dashscope.seen("/files/")
    assert downloads and all("Authorization" not in r.headers for r in downloads)


async def test_qwen_image_defaults_to_its_own_size(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, t2i_graph(model="qwen-image", size="auto"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert json_body(dashscope.seen(SYNTHESIS)[0])["parameters"]["size"] == "1328*1328"
    assert saved(qrt, record)[0].shape == (1328, 1328, 3)


async def test_wanx_v1_sends_its_style_and_no_prompt_extend(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, t2i_graph(model="wanx-v1", size="1024*1024", style="<watercolor>"))
    assert record.status == JobStatus.SUCCESS, record.error
    params = json_body(dashscope.seen(SYNTHESIS)[0])["parameters"]
    assert params["style"] == "<watercolor>" and "prompt_extend" not in params


@pytest.mark.parametrize("inputs, words", [
    ({"style": "<anime>"}, ["style", "wanx-v1"]),
    ({"model": "qwen-image", "size": "1024*1024"}, ["size", "qwen-image"]),
    ({"size": "huge"}, ["size", "WIDTH*HEIGHT"]),
])
async def test_bad_combinations_are_refused_before_anything_runs(qrt: Runtime, dashscope: DashScopeFake,
                                                                inputs, words):
    sub = await qrt.jobs.submit(t2i_graph(**inputs))
    assert not sub.accepted
    message = str(sub.node_errors["1"]["errors"])
    assert all(w in message for w in words), message
    assert dashscope.requests == []


@pytest.mark.parametrize("status, body, headers", [
    (429, {"request_id": "r", "code": "Throttling.RateQuota", "message": "Requests rate limit exceeded."}, {}),
    (429, {"request_id": "r", "code": "Throttling.RateQuota", "message": "slow down"}, {"Retry-After": "0"}),
])
async def test_a_refused_submit_is_retried_then_succeeds(qrt: Runtime, dashscope: DashScopeFake,
                                                        status, body, headers):
    dashscope.fail_next(status, body, headers=headers, path_prefix=SYNTHESIS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(dashscope.seen(SYNTHESIS)) == 2 and len(dashscope.tasks) == 1


async def test_a_failing_poll_is_retried(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(500, {"request_id": "r", "code": "InternalError", "message": "oops"}, path_prefix=TASKS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.SUCCESS, record.error


@pytest.mark.parametrize("status, code", [(500, "InternalError"), (503, "ServiceUnavailable")])
async def test_a_5xx_on_submit_is_not_retried_because_it_may_have_billed(qrt: Runtime, dashscope: DashScopeFake,
                                                                        status, code):
    dashscope.fail_next(status, {"request_id": "r", "code": code, "message": "oops"}, path_prefix=SYNTHESIS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AmbiguousCreateError"
    assert "oops" in record.error["exception_message"] and "console" in record.error["exception_message"]
    assert len(dashscope.seen(SYNTHESIS)) == 1


async def test_retries_exhausted_fail_naming_the_node(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(429, {"request_id": "r", "code": "Throttling.RateQuota", "message": "busy"}, times=10,
                        path_prefix=SYNTHESIS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.ERROR
    assert record.error["node_id"] == "1" and kind(record) == "RateLimitedError"
    assert "dashscope" in record.error["exception_message"] and "busy" in record.error["exception_message"]
    assert len(dashscope.seen(SYNTHESIS)) == 3  # the test policy's max_attempts


async def test_a_submit_that_times_out_is_not_sent_again(qrt: Runtime, dashscope: DashScopeFake):
    qrt.providers.timeout = httpx.Timeout(0.2)
    dashscope.fail_next(200, {"never": "read"}, delay_s=0.8, path_prefix=SYNTHESIS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AmbiguousCreateError"
    assert "timed out" in record.error["exception_message"]
    assert len(dashscope.seen(SYNTHESIS)) == 1


async def test_a_slow_poll_times_out_and_is_retried(qrt: Runtime, dashscope: DashScopeFake):
    qrt.providers.timeout = httpx.Timeout(0.2)
    dashscope.fail_next(200, {"never": "read"}, delay_s=0.8, path_prefix=TASKS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(dashscope.seen(SYNTHESIS)) == 1 and len(dashscope.seen(TASKS)) >= 2


async def test_a_bad_key_fails_at_once(prt: Runtime, dashscope: DashScopeFake):
    configure(prt, "dashscope", dashscope.url, api_key="sk-wrong")
    record = await run_graph(prt, t2i_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AuthError"
    assert "Invalid API-key" in record.error["exception_message"]
    assert "sk-wrong" not in record.error["exception_message"]
    assert len(dashscope.requests) == 1


async def test_moderation_refusal_is_a_content_policy_error(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, t2i_graph(prompt="FORBIDDEN things"))
    assert record.status == JobStatus.ERROR and kind(record) == "ContentPolicyError"
    assert len(dashscope.requests) == 1


async def test_a_failed_task_reports_dashscopes_reason(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.outcome = "fail"
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "TaskFailedError"
    message = record.error["exception_message"]
    assert "could not draw this prompt" in message and "InternalError.Algo" in message


async def test_partial_results_return_what_succeeded_and_say_why_the_rest_failed(qrt: Runtime,
                                                                                dashscope: DashScopeFake):
    dashscope.outcome = "partial"
    lines = status_lines(qrt)
    record = await run_graph(qrt, t2i_graph(n=3))
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(saved(qrt, record)) == 2
    assert any("2 of 3 images" in line and "inappropriate content" in line for line in lines), lines


async def test_cancel_while_polling_stops_polls_and_cancels_the_task(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.outcome = "hold"
    sub = await qrt.jobs.submit(t2i_graph())
    assert sub.accepted
    await until(lambda: dashscope.polls() >= 2)
    await qrt.jobs.cancel(sub.prompt_id)
    record = await qrt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED
    task_id = next(iter(dashscope.tasks))
    await until(lambda: dashscope.cancelled == [task_id], timeout_s=1)
    assert dashscope.tasks[task_id].status == "CANCELED"
    polls = dashscope.polls()
    await asyncio.sleep(0.5)
    assert dashscope.polls() == polls


async def test_a_result_over_the_size_cap_fails(qrt: Runtime, dashscope: DashScopeFake, client_module,
                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(client_module.DashScopeClient, "max_result_bytes", 100)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "ResultTooLargeError"


async def test_a_malformed_task_answer_is_a_clear_error(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(200, "<html>gateway page</html>", path_prefix=TASKS)
    record = await run_graph(qrt, t2i_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "ProviderError"
    assert "unexpected body" in record.error["exception_message"]


async def test_missing_credentials_refuse_the_graph(prt: Runtime, dashscope: DashScopeFake):
    prt.provider_settings.update("dashscope", {"base_url": dashscope.url})
    sub = await prt.jobs.submit(t2i_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "KERORO_DASHSCOPE_API_KEY" in error["message"] and "Settings" in error["message"]
    assert dashscope.requests == []


async def test_connections_are_reused_across_runs(qrt: Runtime, dashscope: DashScopeFake):
    for seed in range(5):
        record = await run_graph(qrt, t2i_graph(seed=seed))
        assert record.status == JobStatus.SUCCESS, record.error
    assert len(dashscope.requests) >= 25
    assert dashscope.connections <= 2
