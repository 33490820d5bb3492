"""GeminiImage through the real engine against the fake Gemini API: images with real
pixels in both answer casings and inside text, the exact request and auth, retries
(RetryInfo, 503), quota and key failures, moderation, a model that draws nothing,
cancellation, the size cap, missing keys and local input checks."""
from __future__ import annotations

import asyncio
import base64
import io
import time

import pytest
from PIL import Image

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.gemini import GOOD_KEY, GeminiFake, rate_limited, rpc_error
from tests.providers.gemini.conftest import MAX_POOLED_CONNECTIONS, image_graph, kind, saved_images, text_of

CALL = "/v1beta/models/"


def graph(**inputs):
    return image_graph("GeminiImage", **inputs)


def calls(gemini: GeminiFake):
    return gemini.seen(CALL)


async def test_success_returns_real_pixels_and_the_models_text(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, graph(frames=(300, 200, 2), aspect_ratio="16:9", seed=7))
    assert record.status == JobStatus.SUCCESS, record.error
    [pixels] = saved_images(grt, record)
    assert pixels.shape == (24, 43, 3)  # the fake draws 16:9 at the 1K base
    assert tuple(pixels[5, 5]) == gemini.colour
    assert text_of(record) == "Here is your image."


async def test_the_request_is_exactly_the_specified_body(grt: Runtime, gemini: GeminiFake):
    await run_graph(grt, graph(frames=(300, 200, 2), aspect_ratio="3:4", seed=42))
    [seen] = calls(gemini)
    assert seen.path == "/v1beta/models/gemini-2.5-flash-image:generateContent"
    body = json_body(seen)
    assert set(body) == {"contents", "generationConfig"}
    [turn] = body["contents"]
    assert turn["role"] == "user" and turn["parts"][0] == {"text": "a ceramic mug on a marble table"}
    frames = turn["parts"][1:]
    assert len(frames) == 2 and all(p["inlineData"]["mimeType"] == "image/png" for p in frames)
    png = base64.b64decode(frames[0]["inlineData"]["data"], validate=True)  # raw base64, no data: prefix
    assert Image.open(io.BytesIO(png)).size == (300, 200)
    assert body["generationConfig"] == {"seed": 42, "responseModalities": ["TEXT", "IMAGE"],
                                        "imageConfig": {"aspectRatio": "3:4"}}


async def test_requests_carry_the_key_in_headers_never_in_the_url(grt: Runtime, gemini: GeminiFake):
    await run_graph(grt, graph())
    [seen] = calls(gemini)
    assert seen.headers["x-goog-api-key"] == GOOD_KEY
    # The fake is not a Google host, so it is treated as a relay's passthrough, which
    # may read a bearer key instead (spec §4.4).
    assert "key" not in seen.query and seen.headers["Authorization"] == f"Bearer {GOOD_KEY}"


async def test_snake_case_answers_are_read_too(grt: Runtime, gemini: GeminiFake):
    gemini.snake_case = True
    record = await run_graph(grt, graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert tuple(saved_images(grt, record)[0][0, 0]) == gemini.colour


@pytest.mark.parametrize("style", ["data", "markdown"])
async def test_images_inside_the_text_are_extracted(grt: Runtime, gemini: GeminiFake, style: str):
    gemini.image_in_text = style
    record = await run_graph(grt, graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert tuple(saved_images(grt, record)[0][3, 3]) == gemini.colour
    if style == "data":
        assert "base64,…(" in text_of(record)  # the data URL is shortened in the text output
    else:
        [download] = gemini.seen("/files/")
        assert "x-goog-api-key" not in download.headers and not download.query


async def test_image_size_is_sent_only_to_models_that_take_it(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, graph(model="gemini-3-pro-image-preview", image_size="2K", aspect_ratio="1:1"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert saved_images(grt, record)[0].shape == (64, 64, 3)
    assert json_body(calls(gemini)[0])["generationConfig"]["imageConfig"] == {"aspectRatio": "1:1", "imageSize": "2K"}
    record = await run_graph(grt, graph(image_size="4K"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert "imageConfig" not in json_body(calls(gemini)[1])["generationConfig"]


async def test_tall_ratios_need_a_31_model(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, graph(aspect_ratio="1:4"))
    assert record.status == JobStatus.ERROR and kind(record) == "BadRequestError"
    assert record.error["node_id"] == "1" and "aspect_ratio" in record.error["exception_message"]
    assert calls(gemini) == []
    record = await run_graph(grt, graph(model="gemini-3.1-flash-image-preview", aspect_ratio="1:4"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert saved_images(grt, record)[0].shape == (64, 16, 3)


async def test_an_empty_prompt_is_refused_before_any_request(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, graph(prompt="   "))
    assert kind(record) == "BadRequestError" and "prompt" in record.error["exception_message"]
    assert calls(gemini) == []


async def test_rate_limit_waits_for_retry_info_then_succeeds(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(429, rate_limited("0.03s"), path_prefix=CALL)
    started = time.monotonic()
    record = await run_graph(grt, graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert time.monotonic() - started >= 0.03
    assert len(calls(gemini)) == 2


async def test_503_then_success(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(503, rpc_error(503, "UNAVAILABLE", "The model is overloaded."), path_prefix=CALL)
    record = await run_graph(grt, graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(calls(gemini)) == 2


async def test_retries_exhausted_fail_naming_the_node(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(503, rpc_error(503, "UNAVAILABLE", "The model is overloaded."), times=10, path_prefix=CALL)
    record = await run_graph(grt, graph())
    assert record.status == JobStatus.ERROR
    assert record.error["node_id"] == "1" and record.error["node_type"] == "GeminiImage"
    assert kind(record) == "ProviderUnavailableError" and "overloaded" in record.error["exception_message"]
    assert len(calls(gemini)) == grt.providers.retry.max_attempts


@pytest.mark.parametrize("body, status", [
    (rate_limited("1s", per_day=True), 429),
    (rpc_error(400, "FAILED_PRECONDITION", "User location is not supported for the API use."), 400),
])
async def test_quota_failures_are_not_retried(grt: Runtime, gemini: GeminiFake, body, status):
    gemini.fail_next(status, body, path_prefix=CALL)
    record = await run_graph(grt, graph())
    assert kind(record) == "QuotaError"
    assert len(calls(gemini)) == 1


async def test_a_bad_key_is_an_auth_error_sent_once(grt: Runtime, gemini: GeminiFake):
    grt.secrets.set("gemini", "api_key", "AIza-wrong-key")
    record = await run_graph(grt, graph())
    assert kind(record) == "AuthError" and "API key not valid" in record.error["exception_message"]
    assert "AIza-wrong-key" not in str(record.error)
    assert len(calls(gemini)) == 1


async def test_permission_denied_is_an_auth_error(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(403, rpc_error(403, "PERMISSION_DENIED", "The caller does not have permission"))
    record = await run_graph(grt, graph())
    assert kind(record) == "AuthError" and len(calls(gemini)) == 1


async def test_a_blocked_prompt_names_the_block_reason(grt: Runtime, gemini: GeminiFake):
    gemini.block_reason = "PROHIBITED_CONTENT"
    record = await run_graph(grt, graph())
    assert kind(record) == "ContentPolicyError"
    assert "PROHIBITED_CONTENT" in record.error["exception_message"]
    assert len(calls(gemini)) == 1


async def test_a_moderated_answer_names_the_finish_reason(grt: Runtime, gemini: GeminiFake):
    gemini.finish_reason = "IMAGE_SAFETY"
    record = await run_graph(grt, graph())
    assert kind(record) == "ContentPolicyError" and "IMAGE_SAFETY" in record.error["exception_message"]


async def test_an_answer_without_an_image_fails_quoting_the_model(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(200, {"candidates": [{"content": {"role": "model", "parts": [
        {"text": "I would rather describe it: a mug, see https://example.com/policy"}]}, "finishReason": "STOP"}]})
    record = await run_graph(grt, graph())
    assert kind(record) == "TaskFailedError"
    assert "I would rather describe it" in record.error["exception_message"]
    assert gemini.seen("/files/") == []  # a non-image URL in the text is not fetched


@pytest.mark.parametrize("body", ["<html>bad gateway</html>", {"candidates": "not a list"}])
async def test_malformed_answers_fail_clearly(grt: Runtime, gemini: GeminiFake, body):
    gemini.fail_next(200, body, path_prefix=CALL)
    record = await run_graph(grt, graph())
    assert kind(record) == "ProviderError"
    assert "generateContent" in record.error["exception_message"]


async def test_cancel_during_a_slow_answer_stops_at_once(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(200, {}, path_prefix=CALL, delay_s=2)  # short: the fake waits for it at teardown
    sub = await grt.jobs.submit(graph())
    await until(lambda: len(calls(gemini)) == 1)
    started = time.monotonic()
    await grt.jobs.cancel(sub.prompt_id)
    record = await grt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED
    assert time.monotonic() - started < 1.0
    await asyncio.sleep(0.2)
    assert len(calls(gemini)) == 1  # nothing retried after cancellation


async def test_results_above_the_cap_fail(grt: Runtime, gemini: GeminiFake, pack, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pack.client.GeminiClient, "max_result_bytes", 64)
    record = await run_graph(grt, graph())
    assert kind(record) == "ResultTooLargeError" and "64" in record.error["exception_message"]
    gemini.image_in_text = "markdown"
    record = await run_graph(grt, graph(seed=1))
    assert kind(record) == "ResultTooLargeError"


async def test_missing_credentials_refuse_the_graph_before_anything_runs(prt: Runtime, gemini: GeminiFake):
    from tests.providers.conftest import configure
    configure(prt, "gemini", gemini.base_url)
    sub = await prt.jobs.submit(graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "Settings" in error["message"] and "KERORO_GEMINI_API_KEY" in error["message"]
    assert gemini.requests == []


async def test_one_job_keeps_to_one_connection(grt: Runtime, gemini: GeminiFake):
    gemini.image_in_text = "markdown"
    gemini.fail_next(503, rpc_error(503, "UNAVAILABLE", "busy"), path_prefix=CALL)
    assert (await run_graph(grt, graph())).status == JobStatus.SUCCESS
    assert len(gemini.requests) == 3  # the 503, the answer and the download
    assert gemini.connections == 1


async def test_connections_are_reused_across_jobs(grt: Runtime, gemini: GeminiFake):
    for seed in range(2 * MAX_POOLED_CONNECTIONS):
        record = await run_graph(grt, graph(seed=seed))
        assert record.status == JobStatus.SUCCESS, record.error
    assert gemini.connections <= MAX_POOLED_CONNECTIONS
