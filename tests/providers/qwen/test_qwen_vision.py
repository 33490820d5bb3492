"""QwenVision through the real engine against the fake DashScope compatible mode:
images arrive as decodable data URLs, the answer comes back as text, and the usual
failure cases."""
from __future__ import annotations

import base64
import io

from PIL import Image

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import json_body
from tests.fakes.dashscope import API_KEY, DashScopeFake
from tests.providers.conftest import configure
from tests.providers.qwen.conftest import kind, texts, vision_graph

CHAT = "/compatible-mode/v1/chat/completions"


async def test_images_go_up_as_data_urls_and_the_answer_comes_back(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, vision_graph(images=2, model="qwen-vl-plus", system_prompt="Be brief.",
                                               temperature=0.2, max_tokens=300))
    assert record.status == JobStatus.SUCCESS, record.error
    assert texts(record, "text") == "qwen-vl-plus saw 2 image(s) [96x64, 96x64]: What is on the table?"
    sent = dashscope.seen(CHAT)[0]
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    body = json_body(sent)
    assert body["model"] == "qwen-vl-plus" and body["temperature"] == 0.2 and body["max_tokens"] == 300
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    parts = body["messages"][1]["content"]
    assert parts[0] == {"type": "text", "text": "What is on the table?"}
    url = parts[1]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    pixel = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB").getpixel((10, 10))
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, (0x33, 0x66, 0xCC)))


async def test_text_only_sends_a_plain_user_turn(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, vision_graph(prompt="Say hi"))
    assert record.status == JobStatus.SUCCESS, record.error
    body = json_body(dashscope.seen(CHAT)[0])
    assert body["messages"] == [{"role": "user", "content": "Say hi"}] and "max_tokens" not in body


async def test_rate_limit_then_success(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(429, {"error": {"message": "Requests rate limit exceeded", "type": "limit_requests",
                                        "code": "limit_requests"}}, path_prefix=CHAT)
    record = await run_graph(qrt, vision_graph(images=1))
    assert record.status == JobStatus.SUCCESS, record.error
    assert len(dashscope.seen(CHAT)) == 2


async def test_a_5xx_after_sending_is_not_sent_again(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(503, {"error": {"message": "busy", "code": "ServiceUnavailable"}}, path_prefix=CHAT)
    record = await run_graph(qrt, vision_graph(images=1))
    assert record.status == JobStatus.ERROR and kind(record) == "AmbiguousCreateError"
    assert "busy" in record.error["exception_message"] and "may have accepted it" in record.error["exception_message"]
    assert len(dashscope.seen(CHAT)) == 1


async def test_retries_exhausted_name_the_node(qrt: Runtime, dashscope: DashScopeFake):
    dashscope.fail_next(429, {"error": {"message": "Requests rate limit exceeded", "code": "limit_requests"}},
                        times=5, path_prefix=CHAT)
    record = await run_graph(qrt, vision_graph())
    assert record.status == JobStatus.ERROR and record.error["node_id"] == "1"
    assert kind(record) == "RateLimitedError" and "rate limit" in record.error["exception_message"]


async def test_a_bad_key_fails_with_one_request(prt: Runtime, dashscope: DashScopeFake):
    configure(prt, "dashscope", dashscope.url, api_key="sk-nope")
    record = await run_graph(prt, vision_graph(images=1))
    assert record.status == JobStatus.ERROR and kind(record) == "AuthError"
    assert len(dashscope.requests) == 1


async def test_moderation_refusal(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, vision_graph(prompt="FORBIDDEN question"))
    assert record.status == JobStatus.ERROR and kind(record) == "ContentPolicyError"
    assert len(dashscope.requests) == 1


async def test_an_empty_prompt_is_refused_naming_it(qrt: Runtime, dashscope: DashScopeFake):
    record = await run_graph(qrt, vision_graph(prompt="   "))
    assert record.status == JobStatus.ERROR and "prompt" in record.error["exception_message"]
    assert dashscope.requests == []


async def test_missing_credentials_refuse_the_graph(prt: Runtime, dashscope: DashScopeFake):
    prt.provider_settings.update("dashscope", {"base_url": dashscope.url})
    sub = await prt.jobs.submit(vision_graph())
    assert not sub.accepted
    assert sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"


async def test_a_base_url_pasted_with_the_compatible_mode_suffix_still_works(prt: Runtime,
                                                                            dashscope: DashScopeFake):
    configure(prt, "dashscope", dashscope.url + "/compatible-mode/v1", api_key=API_KEY)
    record = await run_graph(prt, vision_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_connections_are_reused(qrt: Runtime, dashscope: DashScopeFake):
    for i in range(6):
        record = await run_graph(qrt, vision_graph(prompt=f"question {i}"))
        assert record.status == JobStatus.SUCCESS, record.error
    assert dashscope.connections == 1
