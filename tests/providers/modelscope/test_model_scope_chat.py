"""ModelScopeChat through the real engine against the fake ModelScope: the answer as
text, images as data URLs, the quota in the status line, and the failure cases."""
from __future__ import annotations

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.modelscope import TOKEN, ModelScopeFake, rate_limit_body
from tests.providers.conftest import configure
from tests.providers.modelscope.conftest import chat_graph, kind, status_lines, texts

CHAT = "/v1/chat/completions"


async def test_the_answer_comes_back_with_the_quota_shown(mrt: Runtime, modelscope: ModelScopeFake):
    lines = status_lines(mrt)
    record = await run_graph(mrt, chat_graph(images=2, system_prompt="Be brief.", temperature=0.3))
    assert record.status == JobStatus.SUCCESS, record.error
    assert texts(record, "text") == "Qwen/Qwen2.5-VL-72B-Instruct saw 2 image(s): Name this product."
    sent = modelscope.seen(CHAT)[0]
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    body = json_body(sent)
    assert body["messages"][0] == {"role": "system", "content": "Be brief."} and body["temperature"] == 0.3
    assert all(p["image_url"]["url"].startswith("data:image/jpeg;base64,")
               for p in body["messages"][1]["content"][1:])
    assert any("1999/2000 calls left today" in line for line in lines), lines


async def test_chinese_text_goes_up_unescaped(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, chat_graph(prompt="给这个杯子起个名字"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert "给这个杯子起个名字".encode() in modelscope.seen(CHAT)[0].body


async def test_a_custom_model_id_is_used(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, chat_graph(custom_model="deepseek-ai/DeepSeek-V3.1"))
    assert record.status == JobStatus.SUCCESS, record.error
    assert json_body(modelscope.seen(CHAT)[0])["model"] == "deepseek-ai/DeepSeek-V3.1"


async def test_an_unknown_model_is_a_bad_request(mrt: Runtime, modelscope: ModelScopeFake):
    record = await run_graph(mrt, chat_graph(custom_model="nobody/nothing"))
    assert record.status == JobStatus.ERROR and kind(record) == "BadRequestError"
    assert "has no provider supported" in record.error["exception_message"]
    assert len(modelscope.requests) == 1


async def test_a_rate_limit_is_retried(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.fail_next(429, rate_limit_body(), times=2, path_prefix=CHAT)
    record = await run_graph(mrt, chat_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(modelscope.seen(CHAT)) == 3


async def test_an_outage_after_sending_is_not_sent_again(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.fail_next(503, "Service Unavailable", times=5, path_prefix=CHAT)
    record = await run_graph(mrt, chat_graph())
    assert record.status == JobStatus.ERROR and record.error["node_id"] == "1"
    assert kind(record) == "AmbiguousCreateError" and "console" in record.error["exception_message"]
    assert len(modelscope.seen(CHAT)) == 1


async def test_retries_exhausted_name_the_node(mrt: Runtime, modelscope: ModelScopeFake):
    modelscope.fail_next(429, rate_limit_body(), times=10, path_prefix=CHAT)
    record = await run_graph(mrt, chat_graph())
    assert record.status == JobStatus.ERROR and record.error["node_id"] == "1"
    assert kind(record) == "RateLimitedError"
    assert len(modelscope.seen(CHAT)) == mrt.providers.retry.max_attempts


async def test_a_bad_token_fails_with_one_request(prt: Runtime, modelscope: ModelScopeFake):
    configure(prt, "modelscope", modelscope.url + "/v1", token="ms-bad")
    record = await run_graph(prt, chat_graph())
    assert record.status == JobStatus.ERROR and kind(record) == "AuthError"
    assert len(modelscope.requests) == 1


async def test_missing_credentials_refuse_the_graph(prt: Runtime, modelscope: ModelScopeFake):
    sub = await prt.jobs.submit(chat_graph())
    assert not sub.accepted
    assert sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"


async def test_connections_are_reused(mrt: Runtime, modelscope: ModelScopeFake):
    for i in range(6):
        record = await run_graph(mrt, chat_graph(prompt=f"question {i}"))
        assert record.status == JobStatus.SUCCESS, record.error
    assert modelscope.connections == 1
