"""ModelScopeClient and the fake on their own: both error bodies, the quota headers
and their countdown, the async headers the fake insists on, and tolerant task
answers."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from keroro_graph.api import AuthError, BadRequestError, QuotaError, RateLimitedError, TaskFailedError
from tests.fakes.modelscope import TOKEN, ModelScopeFake, rate_limit_body

URL = "https://api-inference.modelscope.cn/v1/images/generations"


def client(module: Any, base_url: str = "https://api-inference.modelscope.cn/v1", http: Any = None) -> Any:
    return module.ModelScopeClient(http=http or httpx.AsyncClient(), base_url=base_url, secrets={"token": TOKEN})


@pytest.mark.parametrize("status, body, expected, words", [
    (429, rate_limit_body(), RateLimitedError, "达到使用量上限"),
    (400, {"errors": {"message": "Model id : X , has no provider supported", "request_id": "r1"}},
     BadRequestError, "[request r1]"),
    (401, {"errors": {"message": "Authentication failed"}}, AuthError, "Authentication failed"),
    (401, {"error": {"code": "invalid_api_key", "message": "bad token", "type": "authentication_error"}},
     AuthError, "bad token"),
])
def test_both_error_bodies_are_read(client_module, status, body, expected, words):
    response = httpx.Response(status, json=body, request=httpx.Request("POST", URL))
    error = client(client_module).parse_error(response, body)
    assert type(error) is expected and words in str(error) and TOKEN not in str(error)


def test_quota_headers_are_read(client_module):
    headers = httpx.Headers({"modelscope-ratelimit-requests-limit": "2000",
                             "modelscope-ratelimit-requests-remaining": "12",
                             "modelscope-ratelimit-model-requests-limit": "500",
                             "modelscope-ratelimit-model-requests-remaining": "0"})
    quota = client_module.Quota.from_headers(headers)
    assert quota.text() == "12/2000 calls left today, 0/500 for this model" and quota.exhausted
    assert client_module.Quota.from_headers(httpx.Headers({})) is None


async def test_a_429_after_the_days_quota_is_spent_is_a_quota_error(client_module, models_module):
    async with ModelScopeFake() as fake, httpx.AsyncClient() as http:
        fake.model_remaining = 1  # this call takes the last one
        fake.fail_next(429, rate_limit_body())
        with pytest.raises(QuotaError):
            await client(client_module, fake.url + "/v1", http).submit_image(
                models_module.ImageRequest(model="Qwen/Qwen-Image", prompt="x"))
        assert len(fake.requests) == 1


async def test_the_fake_counts_down_on_every_answer_and_wants_the_async_headers():
    async with ModelScopeFake() as fake, httpx.AsyncClient() as http:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        first = await http.post(f"{fake.url}/v1/images/generations", json={"model": "Qwen/Qwen-Image",
                                                                           "prompt": "x"}, headers=auth)
        assert first.status_code == 400 and "errors" in first.json()
        ok = await http.post(f"{fake.url}/v1/images/generations", json={"model": "Qwen/Qwen-Image", "prompt": "x"},
                             headers={**auth, "X-ModelScope-Async-Mode": "true"})
        task_id = ok.json()["task_id"]
        no_type = await http.get(f"{fake.url}/v1/tasks/{task_id}", headers=auth)
        assert no_type.status_code == 400
        remaining = [int(r.headers["modelscope-ratelimit-requests-remaining"]) for r in (first, ok, no_type)]
        assert remaining == [1999, 1998, 1997]
        assert all(name in no_type.headers for name in (
            "modelscope-ratelimit-requests-limit", "modelscope-ratelimit-model-requests-limit",
            "modelscope-ratelimit-model-requests-remaining"))


@pytest.mark.parametrize("answer, urls", [
    ({"task_status": "SUCCEED", "output_images": ["https://r/1.png"]}, ["https://r/1.png"]),
    ({"task_status": "SUCCEED", "output": {"images": [{"url": "https://r/2.png"}]}}, ["https://r/2.png"]),
    ({"task_status": "SUCCEED", "output_images": ["https://r/3.png"], "extra": {"x": 1}}, ["https://r/3.png"]),
])
def test_both_result_shapes_are_read(models_module, answer, urls):
    assert models_module.TaskState.model_validate(answer).image_urls() == urls


async def test_a_success_without_images_is_a_failure(client_module):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"task_status": "SUCCEED", "output_images": []})
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        with pytest.raises(TaskFailedError, match="without any image"):
            await client(client_module, http=http).task_status("t1")
