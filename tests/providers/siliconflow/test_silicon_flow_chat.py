"""SiliconFlowChat through the real engine against the SiliconFlow fake: answers
and reasoning (plain and streamed), images, SiliconFlow's own error bodies, retries,
credentials, cancellation and connection reuse."""
from __future__ import annotations

import pytest

from keroro_graph.runtime import Runtime
from tests.conftest import run_graph, until
from tests.fakes.base import json_body
from tests.fakes.siliconflow import BUSY, NO_BALANCE, RATE_LIMITED, SiliconFlowFake
from tests.providers.conftest import configure
from tests.providers.siliconflow.conftest import KEY, WRONG_KEY, chat_graph, error_of, text_of, with_frame

CHAT = "/v1/chat/completions"


async def test_answers_without_reasoning(rt: Runtime, fake: SiliconFlowFake):
    record = await run_graph(rt, chat_graph(system_prompt="Be brief."))
    assert record.status.value == "success", record.error
    assert text_of(record) == "echo: hello there (images: 0)"
    assert text_of(record, "3") == ""
    seen = fake.seen(CHAT)[0]
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    sent = json_body(seen)
    assert sent["model"] == "deepseek-ai/DeepSeek-V3" and sent["max_tokens"] == 512
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}


@pytest.mark.parametrize("stream", [False, True])
async def test_reasoning_models_return_their_reasoning(rt: Runtime, fake: SiliconFlowFake, stream: bool):
    record = await run_graph(rt, chat_graph(model="deepseek-ai/DeepSeek-R1", stream=stream))
    assert record.status.value == "success", record.error
    assert text_of(record) == "echo: hello there (images: 0)"
    assert text_of(record, "3") == "Let me think step by step."


async def test_images_go_as_data_urls(rt: Runtime, fake: SiliconFlowFake):
    record = await run_graph(rt, with_frame(chat_graph(model="Qwen/Qwen2.5-VL-72B-Instruct"), name="images"))
    assert text_of(record) == "echo: hello there (images: 1)"
    part = json_body(fake.seen(CHAT)[0])["messages"][0]["content"][1]
    assert part["image_url"]["url"].startswith("data:image/jpeg;base64,")


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("status,body,headers", [
    (429, RATE_LIMITED, {}),
    (429, RATE_LIMITED, {"Retry-After": "0"}),
])
async def test_retries_then_succeeds(rt: Runtime, fake: SiliconFlowFake, status, body, headers, stream):
    fake.fail_next(status, body, headers=headers, path_prefix=CHAT)
    record = await run_graph(rt, chat_graph(stream=stream))
    assert record.status.value == "success", record.error
    assert len(fake.seen(CHAT)) == 2


@pytest.mark.parametrize("stream", [False, True])
async def test_a_5xx_after_sending_is_not_sent_again(rt: Runtime, fake: SiliconFlowFake, stream):
    fake.fail_next(503, BUSY, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph(stream=stream)))
    assert error["exception_type"].endswith("AmbiguousCreateError")
    assert "may have accepted it" in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


async def test_retries_exhausted_names_the_node(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(429, RATE_LIMITED, times=10, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph()))
    assert error["node_id"] == "1" and error["node_type"] == "SiliconFlowChat"
    assert error["exception_type"].endswith("RateLimitedError")
    assert "siliconflow" in error["exception_message"] and "TPM limit reached" in error["exception_message"]
    assert len(fake.seen(CHAT)) == 3


async def test_bad_key_fails_at_once(rt: Runtime, fake: SiliconFlowFake):
    configure(rt, "siliconflow", f"{fake.url}/v1", api_key=WRONG_KEY)
    error = error_of(await run_graph(rt, chat_graph()))
    assert error["exception_type"].endswith("AuthError")
    assert "Invalid token" in error["exception_message"] and WRONG_KEY not in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


@pytest.mark.parametrize("stream", [False, True])
async def test_unknown_model_is_a_bad_request_with_siliconflows_code(rt: Runtime, fake: SiliconFlowFake, stream):
    error = error_of(await run_graph(rt, chat_graph(model="nobody/NoModel", stream=stream)))
    assert error["exception_type"].endswith("BadRequestError")
    assert "Model does not exist" in error["exception_message"] and "20012" in error["exception_message"]
    assert len(fake.seen(CHAT)) == 1


async def test_insufficient_balance_is_not_retried(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(403, NO_BALANCE, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph()))
    assert error["exception_type"].endswith("QuotaError")
    assert len(fake.seen(CHAT)) == 1


async def test_content_filter_is_a_policy_error(rt: Runtime, fake: SiliconFlowFake):
    error = error_of(await run_graph(rt, chat_graph(prompt="a forbidden question")))
    assert error["exception_type"].endswith("ContentPolicyError")


async def test_malformed_answer_is_reported(rt: Runtime, fake: SiliconFlowFake):
    fake.fail_next(200, {"choices": []}, path_prefix=CHAT)
    error = error_of(await run_graph(rt, chat_graph()))
    assert "not understood" in error["exception_message"]


@pytest.mark.parametrize("inputs,message", [({"prompt": ""}, "prompt: enter a prompt"),
                                            ({"model": "  "}, "model: enter a SiliconFlow model id")])
async def test_inputs_are_checked_before_sending(rt: Runtime, fake: SiliconFlowFake, inputs, message):
    error = error_of(await run_graph(rt, chat_graph(**inputs)))
    assert message in error["exception_message"]
    assert fake.seen(CHAT) == []


async def test_missing_credentials_refuse_the_graph(prt: Runtime, fake: SiliconFlowFake):
    configure(prt, "siliconflow", f"{fake.url}/v1")
    sub = await prt.jobs.submit(chat_graph())
    assert not sub.accepted
    error = sub.node_errors["1"]["errors"][0]
    assert error["type"] == "missing_credentials"
    assert "Settings → Providers" in error["message"] and "KERORO_SILICONFLOW_API_KEY" in error["message"]
    assert fake.requests == []


async def test_cancel_mid_stream(rt: Runtime, fake: SiliconFlowFake):
    fake.reply = " ".join(f"w{i}" for i in range(200))
    fake.stream_delay_s = 0.05
    sub = await rt.jobs.submit(chat_graph(stream=True))
    await until(lambda: bool(fake.seen(CHAT)))
    await rt.jobs.cancel(sub.prompt_id)
    record = await rt.jobs.wait(sub.prompt_id, timeout_s=2)
    assert record.status.value == "interrupted"


async def test_connections_are_reused(rt: Runtime, fake: SiliconFlowFake):
    for i in range(8):
        record = await run_graph(rt, chat_graph(prompt=f"question {i}", stream=bool(i % 2)))
        assert record.status.value == "success"
    assert fake.connections <= 2
