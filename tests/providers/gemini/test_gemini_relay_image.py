"""GeminiRelayImage through the real engine against fake Comfly and T8Star relays:
chat mode (SSE with the image as a markdown link, a data URL, a bare URL or
``message.images``), images mode (async tasks in both nestings, synchronous answers,
edits with input frames), bearer auth per relay, OpenAI-style failures, retries,
failed tasks, cancellation while polling, the size cap and missing keys."""
from __future__ import annotations

import asyncio
import time

import pytest

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.relay import RelayFake, openai_error
from tests.providers.conftest import configure
from tests.providers.gemini.conftest import (COMFLY_KEY, MAX_POOLED_CONNECTIONS, T8STAR_KEY, image_graph, kind,
                                             saved_images, text_of)

CHAT = "/v1/chat/completions"


def graph(**inputs):
    return image_graph("GeminiRelayImage", **inputs)


def images_graph(**inputs):
    return graph(mode="images", **inputs)


# --- chat mode (Convention A) -------------------------------------------------------------

@pytest.mark.parametrize("style", ["markdown", "data", "url", "images_field"])
async def test_chat_mode_finds_the_image_wherever_the_relay_puts_it(rrt: Runtime, comfly: RelayFake, style: str):
    comfly.chat_style = style
    record = await run_graph(rrt, graph(frames=(200, 100, 2)))
    assert record.status == JobStatus.SUCCESS, record.error
    [pixels] = saved_images(rrt, record)
    assert pixels.shape == (40, 40, 3) and tuple(pixels[1, 1]) == comfly.colour
    assert "base64,iVBOR" not in text_of(record)  # data URLs are shortened in the text output
    downloads = comfly.seen("/files/")
    assert len(downloads) == (1 if style in ("markdown", "url") else 0)
    assert all("Authorization" not in d.headers for d in downloads)


async def test_chat_request_is_a_stream_with_one_data_url_per_frame(rrt: Runtime, comfly: RelayFake):
    await run_graph(rrt, graph(frames=(200, 100, 2), model="nano-banana-hd", seed=5))
    [seen] = comfly.seen(CHAT)
    assert seen.headers["Authorization"] == f"Bearer {COMFLY_KEY}"
    body = json_body(seen)
    assert body["model"] == "nano-banana-hd" and body["stream"] is True and body["seed"] == 5
    parts = body["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "a ceramic mug on a marble table"}
    assert [p["image_url"]["url"][:22] for p in parts[1:]] == ["data:image/png;base64,"] * 2


async def test_seed_zero_is_left_out(rrt: Runtime, comfly: RelayFake):
    await run_graph(rrt, graph(seed=0))
    assert "seed" not in json_body(comfly.seen(CHAT)[0])


async def test_t8star_uses_its_own_host_and_key(rrt: Runtime, comfly: RelayFake, t8star: RelayFake):
    record = await run_graph(rrt, graph(relay="t8star"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert comfly.requests == []
    assert t8star.seen(CHAT)[0].headers["Authorization"] == f"Bearer {T8STAR_KEY}"


async def test_chat_mode_refuses_size_options_before_any_request(rrt: Runtime, comfly: RelayFake):
    record = await run_graph(rrt, graph(aspect_ratio="16:9"))
    assert kind(record) == "BadRequestError" and "aspect_ratio" in record.error["exception_message"]
    assert comfly.requests == []


async def test_a_chat_answer_without_an_image_quotes_the_relay(rrt: Runtime, comfly: RelayFake):
    comfly.chat_style = "none"
    record = await run_graph(rrt, graph())
    assert kind(record) == "TaskFailedError" and "cannot draw that" in record.error["exception_message"]


@pytest.mark.parametrize("headers", [{"Retry-After": "0.05"}, {}])
async def test_chat_rate_limit_then_success(rrt: Runtime, comfly: RelayFake, headers):
    comfly.fail_next(429, openai_error("Rate limit reached", "rate_limit_exceeded"), headers=headers, path_prefix=CHAT)
    started = time.monotonic()
    record = await run_graph(rrt, graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(comfly.seen(CHAT)) == 2
    if headers:
        assert time.monotonic() - started >= 0.05


async def test_chat_rate_limit_is_retried_but_a_5xx_is_not_resent(rrt: Runtime, comfly: RelayFake):
    comfly.fail_next(429, openai_error("slow down", "rate_limit_exceeded"), path_prefix=CHAT)
    assert (await run_graph(rrt, graph())).status == JobStatus.SUCCESS
    assert len(comfly.seen(CHAT)) == 2
    # A 5xx after the request was sent: the relay may have run (and charged) it.
    comfly.fail_next(503, openai_error("upstream overloaded"), times=10, path_prefix=CHAT)
    record = await run_graph(rrt, graph(seed=3))
    assert record.error["node_id"] == "1" and kind(record) == "AmbiguousCreateError"
    message = record.error["exception_message"]
    assert "upstream overloaded" in message and "may have accepted it" in message and "console" in message
    assert len(comfly.seen(CHAT)) == 3


# --- images mode (Convention B) -----------------------------------------------------------

@pytest.mark.parametrize("nesting", ["outer", "flat"])
async def test_images_mode_polls_the_task_in_either_nesting(rrt: Runtime, comfly: RelayFake, nesting: str):
    comfly.nesting = nesting
    record = await run_graph(rrt, images_graph(aspect_ratio="16:9", model="nano-banana-2", image_size="2K", seed=8))
    assert record.status == JobStatus.SUCCESS, record.error
    [pixels] = saved_images(rrt, record)
    assert pixels.shape == (60, 107, 3) and tuple(pixels[0, 0]) == comfly.colour
    [task] = comfly.tasks.values()
    assert task.polls == comfly.polls_to_finish + 1
    assert task.body == {"model": "nano-banana-2", "prompt": "a ceramic mug on a marble table",
                         "response_format": "url", "aspect_ratio": "16:9", "image_size": "2K", "seed": 8}
    [submit] = comfly.seen("/v1/images/generations")
    assert submit.query == {"async": "true"} and submit.headers["Authorization"] == f"Bearer {COMFLY_KEY}"
    assert text_of(record).startswith(f"{comfly.url}/files/")


async def test_input_frames_go_to_the_edits_endpoint(rrt: Runtime, comfly: RelayFake):
    record = await run_graph(rrt, images_graph(frames=(120, 80, 3), aspect_ratio="1:1"))
    assert record.status == JobStatus.SUCCESS, record.error
    [task] = comfly.tasks.values()
    assert task.body["image_count"] == 3 and task.body["aspect_ratio"] == "1:1"
    assert comfly.seen("/v1/images/edits")[0].headers["Content-Type"].startswith("multipart/form-data")


async def test_synchronous_answers_and_b64_results(rrt: Runtime, comfly: RelayFake):
    comfly.sync_images, comfly.result_format = True, "b64_json"
    record = await run_graph(rrt, images_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert comfly.tasks == {} and text_of(record) == "(inline image)"
    assert saved_images(rrt, record)[0].shape == (40, 40, 3)


async def test_image_size_is_refused_for_models_without_it(rrt: Runtime, comfly: RelayFake):
    record = await run_graph(rrt, images_graph(model="nano-banana", image_size="4K"))
    assert kind(record) == "BadRequestError" and "image_size" in record.error["exception_message"]
    assert comfly.requests == []


async def test_a_failed_task_reports_the_relays_reason(rrt: Runtime, comfly: RelayFake):
    comfly.fail_reason = "upstream refused: IMAGE_SAFETY"
    record = await run_graph(rrt, images_graph())
    assert kind(record) == "TaskFailedError"
    assert "upstream refused: IMAGE_SAFETY" in record.error["exception_message"]


async def test_poll_rate_limits_are_retried(rrt: Runtime, comfly: RelayFake):
    comfly.fail_next(429, openai_error("too many requests", "rate_limit_exceeded"), path_prefix="/v1/images/tasks/")
    comfly.fail_next(502, "<html>Bad Gateway</html>", path_prefix="/v1/images/tasks/")
    record = await run_graph(rrt, images_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_cancel_while_polling_stops_the_polls(rrt: Runtime, comfly: RelayFake):
    comfly.polls_to_finish = 10_000
    sub = await rrt.jobs.submit(images_graph())
    await until(lambda: len(comfly.polls()) >= 2)
    started = time.monotonic()
    await rrt.jobs.cancel(sub.prompt_id)
    record = await rrt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED and time.monotonic() - started < 1.0
    count = len(comfly.polls())
    await asyncio.sleep(0.3)
    assert len(comfly.polls()) == count
    # The relays have no cancel endpoint: only the submit and the polls were sent.
    assert {r.path.split("/task-")[0] for r in comfly.requests} == {"/v1/images/generations", "/v1/images/tasks"}


async def test_malformed_answers_fail_clearly(rrt: Runtime, comfly: RelayFake):
    comfly.fail_next(200, {"id": "x"}, path_prefix="/v1/images/generations")
    record = await run_graph(rrt, images_graph())
    assert kind(record) == "ProviderError" and "neither task_id nor data" in record.error["exception_message"]
    comfly.fail_next(200, {"code": "error", "message": "busy"}, path_prefix="/v1/images/tasks/")
    again = await run_graph(rrt, images_graph(seed=2))
    assert again.status == JobStatus.SUCCESS, again.error  # one odd poll is retried
    comfly.fail_next(200, {"code": "error", "message": "busy"}, times=10, path_prefix="/v1/images/tasks/")
    record = await run_graph(rrt, images_graph(seed=3))
    assert kind(record) == "ProviderUnavailableError" and "no status field" in record.error["exception_message"]


# --- shared failures ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["chat", "images"])
async def test_a_bad_key_is_an_auth_error_sent_once(rrt: Runtime, comfly: RelayFake, mode: str):
    rrt.secrets.set("comfly", "api_key", "sk-wrong")
    record = await run_graph(rrt, graph(mode=mode))
    assert kind(record) == "AuthError" and "Invalid token" in record.error["exception_message"]
    assert len(comfly.requests) == 1 and "sk-wrong" not in str(record.error)


async def test_insufficient_quota_is_not_retried(rrt: Runtime, comfly: RelayFake):
    comfly.fail_next(429, openai_error("You exceeded your current quota", "insufficient_quota"))
    record = await run_graph(rrt, images_graph())
    assert kind(record) == "QuotaError" and len(comfly.requests) == 1


@pytest.mark.parametrize("mode", ["chat", "images"])
async def test_content_policy_refusals_are_not_retried(rrt: Runtime, comfly: RelayFake, mode: str):
    comfly.fail_next(400, openai_error("Your request was rejected by the safety system", "content_policy_violation"))
    record = await run_graph(rrt, graph(mode=mode))
    assert kind(record) == "ContentPolicyError" and "safety system" in record.error["exception_message"]
    assert len(comfly.requests) == 1


async def test_a_filtered_stream_is_a_content_policy_error(rrt: Runtime, comfly: RelayFake):
    comfly.chat_style = "filtered"
    record = await run_graph(rrt, graph())
    assert kind(record) == "ContentPolicyError" and "content filter" in record.error["exception_message"]


@pytest.mark.parametrize("mode", ["chat", "images"])
async def test_results_above_the_cap_fail(rrt: Runtime, comfly: RelayFake, mode: str, pack,
                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pack.relay_client.RelayClient, "max_result_bytes", 64)
    record = await run_graph(rrt, graph(mode=mode))
    assert kind(record) == "ResultTooLargeError"


async def test_missing_credentials_refused_at_validation(prt: Runtime, comfly: RelayFake):
    """The relay combo picks the provider; validation checks that relay's key before
    anything runs, naming where to set it."""
    configure(prt, "comfly", comfly.url)
    submitted = await prt.jobs.submit(graph())
    assert not submitted.accepted
    error = submitted.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials" and "KERORO_COMFLY_API_KEY" in error["message"]
    assert comfly.requests == []


async def test_one_job_keeps_to_one_connection(rrt: Runtime, comfly: RelayFake):
    comfly.polls_to_finish = 8
    assert (await run_graph(rrt, images_graph())).status == JobStatus.SUCCESS
    assert len(comfly.requests) == 11  # submit, 9 polls, download
    assert comfly.connections == 1


async def test_connections_are_reused_across_jobs(rrt: Runtime, comfly: RelayFake):
    for seed in range(1, MAX_POOLED_CONNECTIONS + 1):
        assert (await run_graph(rrt, graph(seed=seed))).status == JobStatus.SUCCESS
        assert (await run_graph(rrt, images_graph(seed=seed))).status == JobStatus.SUCCESS
    assert len(comfly.requests) > 40  # streams, submits, polls and downloads
    assert comfly.connections <= MAX_POOLED_CONNECTIONS
