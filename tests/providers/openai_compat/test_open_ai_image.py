"""OpenAIImage through the real engine against the OpenAI-shaped fake: URL and
base64 answers decoded to real pixels, retries, refusals, size caps, local checks
and credentials."""
from __future__ import annotations

import numpy as np
import pytest

from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.openai import OVERLOADED, RATE_LIMITED, OpenAIFake, colour
from tests.providers.conftest import configure
from tests.providers.openai_compat.conftest import (KEY, WRONG_KEY, error_of, frames_of, image_graph,
                                                    pack_module)

IMAGES = "/v1/images/generations"


def assert_colour(frame: np.ndarray, index: int) -> None:
    assert tuple(int(c) for c in frame[0, 0]) == colour(index)
    assert (frame == frame[0, 0]).all()


async def test_url_results_are_fetched_without_credentials(rt: Runtime, fake: OpenAIFake):
    record = await run_graph(rt, image_graph(size="1792x1024"))
    assert record.status.value == "success", record.error
    [frame] = frames_of(rt, record)
    assert frame.shape == (64, 112, 3)
    assert_colour(frame, 0)
    sent = json_body(fake.seen(IMAGES)[0])
    assert sent == {"model": "dall-e-3", "prompt": "a red chair on white", "n": 1, "size": "1792x1024",
                    "response_format": "url"}
    assert fake.seen(IMAGES)[0].headers["Authorization"] == f"Bearer {KEY}"
    [download] = fake.seen("/files/")
    assert "Authorization" not in download.headers


async def test_base64_results_make_one_batch(rt: Runtime, fake: OpenAIFake):
    record = await run_graph(rt, image_graph(model="dall-e-2", n=3, size="512x512", response_format="b64_json"))
    frames = frames_of(rt, record)
    assert [f.shape for f in frames] == [(32, 32, 3)] * 3
    for index, frame in enumerate(frames):
        assert_colour(frame, index)
    assert fake.seen("/files/") == []


async def test_gpt_image_gets_no_response_format_and_answers_base64(rt: Runtime, fake: OpenAIFake):
    record = await run_graph(rt, image_graph(model="gpt-image-1", n=2, size="auto"))
    assert len(frames_of(rt, record)) == 2
    sent = json_body(fake.seen(IMAGES)[0])
    assert "response_format" not in sent and sent["size"] == "auto"


async def test_cherryin_default_model_keeps_its_prefix(rt: Runtime, fake: OpenAIFake):
    record = await run_graph(rt, image_graph(endpoint="cherryin", model=""))
    assert record.status.value == "success", record.error
    assert json_body(fake.seen(IMAGES)[0])["model"] == "google/gemini-3-pro-image-preview"


@pytest.mark.parametrize("status,body,headers", [
    (429, RATE_LIMITED, {"Retry-After": "0.01"}),
    (429, RATE_LIMITED, {}),
])
async def test_retries_then_succeeds(rt: Runtime, fake: OpenAIFake, status, body, headers):
    fake.fail_next(status, body, headers=headers, path_prefix=IMAGES)
    record = await run_graph(rt, image_graph())
    assert record.status.value == "success", record.error
    assert len(fake.seen(IMAGES)) == 2


async def test_a_5xx_after_sending_is_not_sent_again(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(503, OVERLOADED, path_prefix=IMAGES)
    record = await run_graph(rt, image_graph())
    assert record.status.value == "error" and record.error["exception_type"].endswith("AmbiguousCreateError")
    assert "may have accepted it" in record.error["exception_message"]
    assert len(fake.seen(IMAGES)) == 1


async def test_failed_download_is_retried(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(502, "bad gateway", path_prefix="/files/")
    record = await run_graph(rt, image_graph())
    assert record.status.value == "success", record.error
    assert len(fake.seen("/files/")) == 2


async def test_retries_exhausted_names_the_node(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(429, RATE_LIMITED, times=10, path_prefix=IMAGES)
    error = error_of(await run_graph(rt, image_graph()))
    assert error["node_id"] == "1" and error["node_type"] == "OpenAIImage"
    assert error["exception_type"].endswith("RateLimitedError")
    assert "Rate limit reached" in error["exception_message"]
    assert len(fake.seen(IMAGES)) == 3


async def test_bad_key_fails_at_once(rt: Runtime, fake: OpenAIFake):
    configure(rt, "ohmygpt", f"{fake.url}/v1", api_key=WRONG_KEY)
    error = error_of(await run_graph(rt, image_graph()))
    assert error["exception_type"].endswith("AuthError")
    assert len(fake.seen(IMAGES)) == 1


async def test_safety_refusal_is_a_policy_error(rt: Runtime, fake: OpenAIFake):
    error = error_of(await run_graph(rt, image_graph(prompt="a forbidden thing")))
    assert error["exception_type"].endswith("ContentPolicyError")
    assert "safety system" in error["exception_message"]
    assert len(fake.seen(IMAGES)) == 1


@pytest.mark.parametrize("response_format", ["url", "b64_json"])
async def test_result_too_large(rt: Runtime, fake: OpenAIFake, monkeypatch: pytest.MonkeyPatch, response_format):
    monkeypatch.setattr(pack_module(rt, "OpenAIImage", "client").RelayClient, "max_result_bytes", 64)
    error = error_of(await run_graph(rt, image_graph(response_format=response_format)))
    assert error["exception_type"].endswith("ResultTooLargeError")


async def test_malformed_answer_is_reported(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(200, {"created": 1, "data": [{"b64_json": "%%% not base64"}]}, path_prefix=IMAGES)
    error = error_of(await run_graph(rt, image_graph()))
    assert "could not be decoded" in error["exception_message"]


@pytest.mark.parametrize("inputs,message", [
    ({"model": "dall-e-3", "n": 2}, "n: dall-e-3 makes one image per request"),
    ({"model": "dall-e-3", "size": "512x512"}, "size: dall-e-3 takes"),
    ({"prompt": ""}, "prompt: enter a prompt"),
])
async def test_inputs_are_checked_before_sending(rt: Runtime, fake: OpenAIFake, inputs, message):
    error = error_of(await run_graph(rt, image_graph(**inputs)))
    assert message in error["exception_message"]
    assert fake.seen(IMAGES) == []


async def test_missing_credentials_say_where_to_set_them(prt: Runtime, fake: OpenAIFake):
    configure(prt, "cherryin", f"{fake.url}/v1")
    submitted = await prt.jobs.submit(image_graph(endpoint="cherryin", model=""))
    assert not submitted.accepted, "refused at validation, before anything runs"
    error = submitted.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "KERORO_CHERRYIN_API_KEY" in error["message"]
    assert fake.requests == []


async def test_connections_are_reused(rt: Runtime, fake: OpenAIFake):
    for i in range(6):
        record = await run_graph(rt, image_graph(prompt=f"chair {i}"))
        assert record.status.value == "success"
    assert len(fake.seen("/files/")) == 6
    assert fake.connections <= 2
