"""KlingClient's protocol details, seen from the fake server: the exact JWT it signs,
token reuse, no credentials to result hosts, pooled connections, malformed and slow
answers; plus the pack's example workflows and its copy of the catalogue's models."""
from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from keroro_graph.graph.validate import validate_prompt
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import shipped_providers
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.providers.kling.conftest import image_graph, t2v_graph
from tests.providers.kling.test_kling_text_to_video import kind

PROVIDERS = shipped_providers()  # the providers the shipped packs declare

EXAMPLES = Path(__file__).parents[3] / "custom_nodes" / "kling" / "example_workflows"


async def test_every_request_carries_exactly_the_specified_jwt(krt: Runtime, kling: KlingFake):
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error
    api_calls = kling.seen("/v1/")
    assert api_calls and len(kling.tokens) == len(api_calls)
    for call in api_calls:
        scheme, token = call.headers["Authorization"].split(" ")
        assert scheme == "Bearer"
        assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
        claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])
        assert set(claims) == {"iss", "exp", "nbf"} and claims["iss"] == ACCESS_KEY
        assert claims["exp"] - claims["nbf"] == 1800 + 5
    assert json.loads(kling.creates()[0].body)  # JSON, with no key in it
    assert SECRET_KEY.encode() not in b"".join(r.body for r in kling.requests)
    assert kling.creates()[0].headers["Content-Type"] == "application/json"


async def test_the_token_is_signed_once_and_reused(krt: Runtime, kling: KlingFake):
    await run_graph(krt, t2v_graph())
    await run_graph(krt, image_graph())
    assert len({r.headers["Authorization"] for r in kling.seen("/v1/")}) == 1


async def test_result_downloads_carry_no_credentials(krt: Runtime, kling: KlingFake):
    await run_graph(krt, image_graph(n=2))
    downloads = kling.seen("/files/")
    assert len(downloads) == 2
    assert all("Authorization" not in r.headers for r in downloads)


async def test_connections_are_pooled_across_jobs(krt: Runtime, kling: KlingFake):
    for i in range(5):
        record = await run_graph(krt, t2v_graph(prompt=f"shot number {i}"))
        assert record.status == JobStatus.SUCCESS
    assert len(kling.requests) >= 25
    assert kling.connections <= 2


async def test_an_expired_token_is_dropped_from_the_cache(krt: Runtime, kling: KlingFake, pack):
    tokens = pack.client.KlingClient._tokens
    await run_graph(krt, t2v_graph(prompt="first"))
    assert any(key[0] == ACCESS_KEY for key in tokens)
    kling.expire_next()
    record = await run_graph(krt, t2v_graph(prompt="second"))
    assert kind(record) == "AuthError"
    assert not any(key[0] == ACCESS_KEY for key in tokens)
    again = await run_graph(krt, t2v_graph(prompt="third"))
    assert again.status == JobStatus.SUCCESS, again.error


async def test_a_malformed_poll_is_retried(krt: Runtime, kling: KlingFake):
    kling.fail_next(200, "{\"code\": 0, \"data\": {", path_prefix="/v1/videos/text2video/")
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_a_malformed_create_is_not_retried(krt: Runtime, kling: KlingFake):
    kling.fail_next(200, "<html>gateway</html>")
    record = await run_graph(krt, t2v_graph())
    assert kind(record) == "ProviderError" and "not a JSON object" in record.error["exception_message"]
    assert len(kling.requests) == 1


async def test_a_create_answer_without_a_task_is_an_error(krt: Runtime, kling: KlingFake):
    kling.fail_next(200, {"code": 0, "message": "SUCCEED", "data": {"task_status": "submitted"}})
    record = await run_graph(krt, t2v_graph())
    assert kind(record) == "ProviderError" and "task_id" in record.error["exception_message"]


async def test_slow_answers_are_waited_for(krt: Runtime, kling: KlingFake):
    kling.delay_s = 0.15
    record = await run_graph(krt, t2v_graph())
    assert record.status == JobStatus.SUCCESS, record.error


@pytest.mark.parametrize("code, status, expected", [
    (1001, 401, "AuthError"), (1101, 429, "QuotaError"), (1103, 403, "AuthError"), (1200, 400, "BadRequestError"),
    (1203, 404, "BadRequestError"), (1300, 400, "ContentPolicyError"), (1302, 429, "RateLimitedError"),
    (5002, 504, "AmbiguousCreateError"), (9999, 418, "BadRequestError"),
])
async def test_kling_codes_map_onto_error_classes(krt: Runtime, kling: KlingFake, code, status, expected):
    kling.fail_next(status, {"code": code, "message": f"code {code}", "request_id": "r"}, times=10)
    record = await run_graph(krt, t2v_graph())
    assert kind(record) == expected
    # a rate limit is a refusal (re-sent); a 5xx after sending may have created the task:
    # sent once, then looked up (3 tries), never re-sent blind
    assert len(kling.creates()) == (3 if expected == "RateLimitedError" else 1)
    assert len(kling.requests) == (3 if expected in ("RateLimitedError", "AmbiguousCreateError") else 1) + \
        (1 if expected == "AmbiguousCreateError" else 0)


def test_the_model_lists_match_the_catalogue(pack):
    assert pack.models.VIDEO_MODELS == PROVIDERS["kling"].models["video"]
    assert pack.models.IMAGE_MODELS == PROVIDERS["kling"].models["image"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
async def test_example_workflows_validate_and_run(krt: Runtime, kling: KlingFake, path: Path):
    prompt = json.loads(path.read_text())
    result = await validate_prompt(prompt, krt.registry, paths=krt.settings.paths)
    assert result.error is None and not result.node_errors, (result.error, result.node_errors)
    assert any(node["class_type"].startswith("Kling") for node in prompt.values())
    record = await run_graph(krt, prompt)
    assert record.status == JobStatus.SUCCESS, record.error
