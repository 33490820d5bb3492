"""GeminiVision through the real engine against the fake Gemini API: the answer
describes the frames the fake actually received, the request carries the system
instruction, temperature and seed, and the failure cases behave as for GeminiImage
(retries, exhausted retries, bad key, moderation, empty answers, cancellation,
missing keys)."""
from __future__ import annotations

import asyncio
import time

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.gemini import GOOD_KEY, GeminiFake, rate_limited, rpc_error
from tests.providers.conftest import configure
from tests.providers.gemini.conftest import MAX_POOLED_CONNECTIONS, kind, text_of, vision_graph

CALL = "/v1beta/models/"


def calls(gemini: GeminiFake):
    return gemini.seen(CALL)


async def test_the_answer_describes_every_frame_sent(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, vision_graph(frames=(320, 240, 3), system_instruction="Answer in French."))
    assert record.status == JobStatus.SUCCESS, record.error
    assert text_of(record) == "I see 3 image(s): 320x240, 320x240, 320x240. System: Answer in French."


async def test_the_request_body_and_auth(grt: Runtime, gemini: GeminiFake):
    await run_graph(grt, vision_graph(frames=(64, 64, 1), model="gemini-2.5-flash-lite", temperature=0.3, seed=9,
                                      system_instruction="Be brief."))
    [seen] = calls(gemini)
    assert seen.path == "/v1beta/models/gemini-2.5-flash-lite:generateContent"
    assert seen.headers["x-goog-api-key"] == GOOD_KEY and "key" not in seen.query
    body = json_body(seen)
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert body["generationConfig"] == {"temperature": 0.3, "seed": 9}
    assert [list(p) for p in body["contents"][0]["parts"]] == [["text"], ["inlineData"]]


async def test_text_only_questions_work(grt: Runtime, gemini: GeminiFake):
    record = await run_graph(grt, vision_graph())
    assert text_of(record) == "I see 0 image(s): none."
    assert "systemInstruction" not in json_body(calls(gemini)[0])


async def test_rate_limit_and_overload_then_success(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(429, rate_limited(None), path_prefix=CALL)
    gemini.fail_next(503, rpc_error(503, "UNAVAILABLE", "The model is overloaded."), path_prefix=CALL)
    record = await run_graph(grt, vision_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(calls(gemini)) == 3


async def test_an_internal_error_is_not_sent_again(grt: Runtime, gemini: GeminiFake):
    """A 500 after generateContent was sent may have been billed: it fails naming that."""
    gemini.fail_next(500, rpc_error(500, "INTERNAL", "An internal error has occurred."), path_prefix=CALL)
    record = await run_graph(grt, vision_graph())
    assert kind(record) == "AmbiguousCreateError" and "may have accepted it" in record.error["exception_message"]
    assert len(calls(gemini)) == 1


async def test_retries_exhausted_name_the_node(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(429, rate_limited("0.01s"), times=10, path_prefix=CALL)
    record = await run_graph(grt, vision_graph())
    assert record.error["node_id"] == "1" and record.error["node_type"] == "GeminiVision"
    assert kind(record) == "RateLimitedError" and "quota" in record.error["exception_message"]
    assert len(calls(gemini)) == grt.providers.retry.max_attempts


async def test_a_bad_key_is_sent_once(grt: Runtime, gemini: GeminiFake):
    grt.secrets.set("gemini", "api_key", "AIza-revoked")
    record = await run_graph(grt, vision_graph())
    assert kind(record) == "AuthError" and len(calls(gemini)) == 1


async def test_blocked_prompts_are_content_policy_errors(grt: Runtime, gemini: GeminiFake):
    gemini.block_reason = "SAFETY"
    record = await run_graph(grt, vision_graph())
    assert kind(record) == "ContentPolicyError" and "SAFETY" in record.error["exception_message"]


async def test_an_empty_answer_fails_with_the_finish_reason(grt: Runtime, gemini: GeminiFake):
    gemini.finish_reason = "MAX_TOKENS"
    record = await run_graph(grt, vision_graph())
    assert kind(record) == "TaskFailedError" and "MAX_TOKENS" in record.error["exception_message"]


async def test_cancel_during_a_slow_answer(grt: Runtime, gemini: GeminiFake):
    gemini.delay_s = 2
    sub = await grt.jobs.submit(vision_graph())
    await until(lambda: len(calls(gemini)) == 1)
    started = time.monotonic()
    await grt.jobs.cancel(sub.prompt_id)
    record = await grt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status == JobStatus.INTERRUPTED and time.monotonic() - started < 1.0
    await asyncio.sleep(0.2)
    assert len(calls(gemini)) == 1


async def test_missing_credentials_refuse_the_graph(prt: Runtime, gemini: GeminiFake):
    configure(prt, "gemini", gemini.base_url)
    sub = await prt.jobs.submit(vision_graph())
    assert not sub.accepted
    assert sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"
    assert gemini.requests == []


async def test_connections_are_reused(grt: Runtime, gemini: GeminiFake):
    gemini.fail_next(429, rate_limited("0s"), times=2, path_prefix=CALL)
    assert (await run_graph(grt, vision_graph())).status == JobStatus.SUCCESS
    assert gemini.connections == 1  # retries go out on the job's kept-alive connection
    for i in range(2 * MAX_POOLED_CONNECTIONS):
        assert (await run_graph(grt, vision_graph(seed=i + 1))).status == JobStatus.SUCCESS
    assert gemini.connections <= MAX_POOLED_CONNECTIONS
