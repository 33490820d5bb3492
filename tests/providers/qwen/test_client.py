"""DashScopeClient on its own: error classification for both body shapes, region
selection against the provider settings, UNKNOWN tasks, and size spelling."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from keroro_graph.api import (AuthError, BadRequestError, ContentPolicyError, ProviderError, ProviderUnavailableError,
                              QuotaError, RateLimitedError, TaskFailedError)
from keroro_graph.runtime import Runtime
from tests.fakes.dashscope import API_KEY, DashScopeFake

SYNTHESIS = "https://dashscope.aliyuncs.com/api/v1/services/aigc/text2image/image-synthesis"


def client(module: Any, base_url: str = "https://dashscope.aliyuncs.com", http: Any = None) -> Any:
    return module.DashScopeClient(http=http or httpx.AsyncClient(), base_url=base_url,
                                  secrets={"api_key": API_KEY})


@pytest.mark.parametrize("status, body, method, expected", [
    (401, {"request_id": "r", "code": "InvalidApiKey", "message": "Invalid API-key provided."}, "POST", AuthError),
    (400, {"request_id": "r", "code": "DataInspectionFailed", "message": "bad"}, "POST", ContentPolicyError),
    (429, {"request_id": "r", "code": "Throttling.AllocationQuota", "message": "slow"}, "POST", RateLimitedError),
    (400, {"request_id": "r", "code": "InvalidParameter", "message": "size"}, "POST", BadRequestError),
    (400, {"request_id": "r", "code": "Arrearage", "message": "overdue"}, "POST", QuotaError),
    (503, {"request_id": "r", "code": "ServiceUnavailable", "message": "busy"}, "POST", ProviderUnavailableError),
    (504, "gateway timeout", "POST", ProviderUnavailableError),
    (500, {"request_id": "r", "code": "InternalError", "message": "x"}, "POST", ProviderUnavailableError),
    (500, {"request_id": "r", "code": "InternalError", "message": "x"}, "GET", ProviderUnavailableError),
    (401, {"error": {"code": "invalid_api_key", "message": "Incorrect API key"}}, "POST", AuthError),
    (400, {"error": {"code": "data_inspection_failed", "message": "bad"}}, "POST", ContentPolicyError),
    (429, {"error": {"code": "insufficient_quota", "message": "no money"}}, "POST", QuotaError),
])
def test_errors_are_classified(client_module, status, body, method, expected):
    response = httpx.Response(status, json=body if isinstance(body, dict) else None,
                              text=body if isinstance(body, str) else None,
                              request=httpx.Request(method, SYNTHESIS))
    error = client(client_module).parse_error(response, body)
    assert type(error) is expected
    assert error.retryable == (expected in (RateLimitedError, ProviderUnavailableError))
    assert API_KEY not in str(error)


def test_the_request_id_is_kept_for_support_tickets(client_module):
    body = {"request_id": "abc-123", "code": "InvalidParameter", "message": "Model not exist."}
    response = httpx.Response(400, json=body, request=httpx.Request("POST", SYNTHESIS))
    error = client(client_module).parse_error(response, body)
    assert "Model not exist. [request abc-123]" in str(error) and error.code == "InvalidParameter"


@pytest.mark.parametrize("pasted", ["https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                                    "https://dashscope-intl.aliyuncs.com/api/v1/",
                                    "https://dashscope-intl.aliyuncs.com"])
def test_sdk_style_base_urls_are_trimmed_to_the_host(client_module, pasted):
    assert client(client_module, pasted).base_url == "https://dashscope-intl.aliyuncs.com"


def node_ctx(rt: Runtime) -> Any:
    return SimpleNamespace(services={"providers": rt.providers}, provider=rt.providers.client)


@pytest.mark.parametrize("settings, region, expected", [
    ({}, "default", "https://dashscope.aliyuncs.com"),
    ({"region": "singapore"}, "default", "https://dashscope-intl.aliyuncs.com"),
    ({}, "virginia", "https://dashscope-us.aliyuncs.com"),
    ({"region": "singapore"}, "beijing", "https://dashscope.aliyuncs.com"),
    ({"base_url": "http://proxy.local:8080"}, "virginia", "http://proxy.local:8080"),
    ({"base_url": "http://proxy.local:8080"}, "default", "http://proxy.local:8080"),
])
def test_region_choice(prt: Runtime, client_module, settings, region, expected):
    prt.secrets.set("dashscope", "api_key", API_KEY)
    if settings:
        prt.provider_settings.update("dashscope", settings)
    assert client_module.client_for(node_ctx(prt), region).base_url == expected


def test_an_unknown_region_names_the_input(prt: Runtime, client_module):
    prt.secrets.set("dashscope", "api_key", API_KEY)
    with pytest.raises(ValueError, match="region"):
        client_module.client_for(node_ctx(prt), "mars")


async def test_a_task_dashscope_does_not_know_fails_after_a_few_polls(client_module):
    async with DashScopeFake() as fake, httpx.AsyncClient() as http:
        dashscope = client(client_module, fake.url, http)
        for _ in range(4):
            assert (await dashscope.task_status("task-gone")).state == "queued"
        with pytest.raises(TaskFailedError, match="does not know task task-gone"):
            await dashscope.task_status("task-gone")


async def test_the_async_header_is_required_by_the_fake(client_module):
    async with DashScopeFake() as fake, httpx.AsyncClient() as http:
        answer = await http.post(f"{fake.url}/api/v1/services/aigc/text2image/image-synthesis",
                                 json={"model": "qwen-image", "input": {"prompt": "x"}},
                                 headers={"Authorization": f"Bearer {API_KEY}"})
        assert answer.status_code == 400 and answer.json()["code"] == "InvalidParameter"
        error = client(client_module, fake.url, http).parse_error(answer, answer.json())
        assert isinstance(error, BadRequestError)


@pytest.mark.parametrize("size, model, sent", [
    ("1328x1328", "qwen-image", "1328*1328"), ("928 * 1664", "qwen-image-plus", "928*1664"),
    ("auto", "qwen-image", "1328*1328"), ("auto", "wanx-v1", "1024*1024"),
    ("1440X960", "wan2.5-t2i-preview", "1440*960"),
])
def test_sizes_are_sent_with_a_star(choices_module, size, model, sent):
    assert choices_module.normalise_size(size, model) == sent
