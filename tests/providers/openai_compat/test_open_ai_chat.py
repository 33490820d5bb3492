"""OpenAIChat through the real engine against the OpenAI-shaped fake: answers plain
and streamed, images as data URLs, retries, errors that must not be retried, local
input checks, credentials, cancellation and connection reuse."""
from __future__ import annotations

import asyncio

import pytest

from keroro_graph.engine.events import NodeText
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.openai import INSUFFICIENT_QUOTA, OHMYGPT_BALANCE, OVERLOADED, RATE_LIMITED, OpenAIFake
from tests.providers.conftest import configure
from tests.providers.openai_compat.conftest import (ENDPOINTS, KEY, WRONG_KEY, chat_graph, error_of, text_of)

CHAT = "/v1/chat/completions"


async def test_answers_with_the_endpoint_default_model(rt: Runtime, fake: OpenAIFake):
    record = await run_graph(rt, chat_graph(system_prompt="Be brief.", prompt="describe a chair"))
    assert record.status.value == "success", record.error
    assert text_of(record) == "echo: describe a chair (images: 0)"
    sent = json_body(fake.seen(CHAT)[0])
    assert sent["model"] == "gpt-4o"
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    assert sent["messages"][1] == {"role": "user", "content": "describe a chair"}
    assert (sent["temperature"], sent["seed"], sent["max_tokens"]) == (0.7, 1, 256)
    assert "stream" not in sent


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_requests_carry_exactly_the_bearer_key(rt: Runtime, fake: OpenAIFake, endpoint: str):
    record = await run_graph(rt, chat_graph(endpoint=endpoint))
    assert record.status.value == "success", record.error
    headers = {k.lower(): v for k, v in fake.seen(CHAT)[0].headers.items()}
    assert headers["authorization"] == f"Bearer {KEY}"
    assert not {"x-api-key", "x-goog-api-key", "api-key"} & set(headers)


async def test_cherryin_keeps_vendor_prefixed_model_ids(rt: Runtime, fake: OpenAIFake):
    default = await run_graph(rt, chat_graph(endpoint="cherryin"))
    chosen = await run_graph(rt, chat_graph(endpoint="cherryin", model=" openai/gpt-4o-mini "))
    assert default.status.value == chosen.status.value == "success"
    assert [json_body(s)["model"] for s in fake.seen(CHAT)] == ["anthropic/claude-sonnet-4.5", "openai/gpt-4o-mini"]


async def test_images_go_as_jpeg_data_urls(rt: Runtime, fake: OpenAIFake):
    graph = chat_graph(prompt="what colour?", images=["0", 0])
    graph["0"] = {"class_type": "EmptyImage", "inputs": {"width": 32, "height": 24, "batch_size": 2, "color": 0xFF0000}}
    record = await run_graph(rt, graph)
    assert text_of(record) == "echo: what colour? (images: 2)"
    parts = json_body(fake.seen(CHAT)[0])["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "what colour?"}
    assert all(p["image_url"]["url"].startswith("data:image/jpeg;base64,/9j/") for p in parts[1:])


async def test_stream_shows_growing_text_and_asks_for_usage(rt: Runtime, fake: OpenAIFake,
                                                            monkeypatch: pytest.MonkeyPatch):
    from tests.providers.openai_compat.conftest import pack_module
    monkeypatch.setattr(pack_module(rt, "OpenAIChat", "nodes.open_ai_chat"), "SHOW_EVERY_S", 0.05)
    fake.reply = "one two three four five six"
    fake.stream_delay_s = 0.03
    shown: list[str] = []
    rt.bus.subscribe(lambda e: shown.append(e.text) if isinstance(e, NodeText) and e.node_id == "1" else None)
    record = await run_graph(rt, chat_graph(stream=True))
    assert text_of(record) == "one two three four five six"
    sent = json_body(fake.seen(CHAT)[0])
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    partial = [t for t in shown if "one" in t]
    assert len(partial) >= 2 and partial[-1] == "one two three four five six"
    assert all(b.startswith(a) for a, b in zip(partial, partial[1:]))


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("status,body,headers", [
    (429, RATE_LIMITED, {"Retry-After": "0"}),
    (429, RATE_LIMITED, {}),
])
async def test_retries_then_succeeds(rt: Runtime, fake: OpenAIFake, status, body, headers, stream):
    fake.fail_next(status, body, headers=headers, path_prefix=CHAT)
    record = await run_graph(rt, chat_graph(stream=stream))
    assert record.status.value == "success", record.error
    assert text_of(record).startswith("echo: hello there")
    assert len(fake.seen(CHAT)) == 2


@pytest.mark.parametrize("stream", [False, True])
async def test_a_5xx_after_sending_is_not_sent_again(rt: Runtime, fake: OpenAIFake, stream):
    """The relay may have run (and charged) the completion: fail naming the doubt."""
    fake.fail_next(503, OVERLOADED, times=10, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph(stream=stream)))
    assert error["node_id"] == "1" and error["node_type"] == "OpenAIChat"
    assert error["exception_type"].endswith("AmbiguousCreateError")
    assert "ohmygpt" in error["exception_message"] and "overloaded" in error["exception_message"]
    assert "may have accepted it" in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


async def test_retries_exhausted_names_the_node(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(429, RATE_LIMITED, times=10, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph()))
    assert error["node_id"] == "1" and error["node_type"] == "OpenAIChat"
    assert error["exception_type"].endswith("RateLimitedError")
    assert "ohmygpt" in error["exception_message"] and "Rate limit" in error["exception_message"]
    assert len(fake.seen(CHAT)) == 3  # the test policy's max_attempts


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_bad_key_fails_at_once_without_leaking_it(rt: Runtime, fake: OpenAIFake, endpoint: str):
    configure(rt, endpoint, f"{fake.url}/v1", api_key=WRONG_KEY)
    error = error_of(await run_graph(rt, chat_graph(endpoint=endpoint)))
    assert error["exception_type"].endswith("AuthError")
    assert "Incorrect API key" in error["exception_message"] and WRONG_KEY not in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


@pytest.mark.parametrize("status,body,endpoint", [
    (429, INSUFFICIENT_QUOTA, "ohmygpt"),
    (429, INSUFFICIENT_QUOTA, "cherryin"),
    (402, OHMYGPT_BALANCE, "ohmygpt"),
])
async def test_quota_and_balance_are_not_retried(rt: Runtime, fake: OpenAIFake, status, body, endpoint):
    fake.fail_next(status, body, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph(endpoint=endpoint)))
    assert error["exception_type"].endswith("QuotaError")
    assert ("balance" if status == 402 else "quota") in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_content_filter_is_a_policy_error(rt: Runtime, fake: OpenAIFake, stream: bool):
    error = error_of(await run_graph(rt, chat_graph(prompt="something forbidden", stream=stream)))
    assert error["exception_type"].endswith("ContentPolicyError")
    assert len(fake.seen(CHAT)) == 1


async def test_malformed_answer_is_reported(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(200, "<html>gateway says hi</html>", path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph()))
    assert error["exception_type"].endswith("ProviderError")
    assert "not understood" in error["exception_message"]


async def test_stream_broken_after_text_is_not_retried(rt: Runtime, fake: OpenAIFake):
    fake.reply = "a b c d"
    fake.stream_error_after = 2
    error = error_of(await run_graph(rt, chat_graph(stream=True)))
    assert "stream broke off" in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


async def test_slow_answer_within_the_timeout_succeeds(rt: Runtime, fake: OpenAIFake):
    fake.fail_next(429, RATE_LIMITED, path_prefix=CHAT, delay_s=0.3)
    record = await run_graph(rt, chat_graph())
    assert record.status.value == "success"


@pytest.mark.parametrize("inputs,message", [
    ({"prompt": "   "}, "prompt: enter a prompt"),
])
async def test_inputs_are_checked_before_sending(rt: Runtime, fake: OpenAIFake, inputs, message):
    error = error_of(await run_graph(rt, chat_graph(**inputs)))
    assert message in error["exception_message"]
    assert fake.seen(CHAT) == []


async def test_missing_credentials_say_where_to_set_them(prt: Runtime, fake: OpenAIFake):
    # The endpoint input picks the provider, and validation checks that one's key
    # before anything runs; nothing is sent.
    configure(prt, "ohmygpt", f"{fake.url}/v1")
    submitted = await prt.jobs.submit(chat_graph())
    assert not submitted.accepted
    (node_id, entry), = submitted.node_errors.items()
    error = entry["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "Settings → Providers" in error["message"] and "KERORO_OHMYGPT_API_KEY" in error["message"]
    assert fake.requests == []
    configure(prt, "cherryin", f"{fake.url}/v1", api_key="sk-cherry-only-0123456789")
    other = await prt.jobs.submit(chat_graph(endpoint="cherryin"))
    assert other.accepted, "a key for the chosen endpoint is enough"
    await prt.jobs.wait(other.prompt_id, timeout_s=30)


async def test_cancel_mid_stream_stops_reading(rt: Runtime, fake: OpenAIFake):
    fake.reply = " ".join(f"w{i}" for i in range(200))
    fake.stream_delay_s = 0.05
    sub = await rt.jobs.submit(chat_graph(stream=True))
    await until(lambda: bool(fake.seen(CHAT)))
    await asyncio.sleep(0.2)
    started = asyncio.get_running_loop().time()
    await rt.jobs.cancel(sub.prompt_id)
    record = await rt.jobs.wait(sub.prompt_id, timeout_s=5)
    assert record.status.value == "interrupted"
    assert asyncio.get_running_loop().time() - started < 1.0


async def test_connections_are_reused(rt: Runtime, fake: OpenAIFake):
    for i in range(8):
        record = await run_graph(rt, chat_graph(prompt=f"question {i}", stream=bool(i % 2)))
        assert record.status.value == "success"
    assert len(fake.seen(CHAT)) == 8
    assert fake.connections <= 2
