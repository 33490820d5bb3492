"""The provider SDK on its own: retry policy, error mapping, capped downloads without
credentials, pooled connections, polling with progress and cancellation, Kling's JWT
cache, media helpers and the hub's credential messages."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import jwt
import numpy as np
import pytest
from aiohttp import web

from keroro_graph.engine.context import CancelToken, NodeContext
from keroro_graph.errors import ExecutionInterruptedError
from keroro_graph.providers import (AuthError, JwtCache, PollPlan, ProviderClient, ProviderHub,
                                    ProviderUnavailableError, QuotaError, RateLimitedError, ResultTooLargeError,
                                    RetryPolicy, TaskFailedError, TaskStatus, parse_duration, parse_retry_after, poll)
from keroro_graph.providers import media as pmedia
from keroro_graph.registry.env import Paths
from keroro_graph.secrets import ProviderSettings, SecretStore
from tests.conftest import shipped_providers
from tests.fakes.base import FakeServer, mp4_bytes, png_bytes

FAST = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_total_s=5)


class EchoClient(ProviderClient):
    provider = "echo"


class EchoFake(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.app.router.add_post("/v1/echo", self.echo)

    async def echo(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer sk-good":
            return web.json_response({"error": {"message": "bad key", "code": "invalid_api_key"}}, status=401)
        return web.json_response({"echo": await request.json()})


@pytest.fixture
async def fake():
    async with EchoFake() as server:
        yield server


@pytest.fixture
async def hub(tmp_path):
    h = ProviderHub(secrets=SecretStore(tmp_path / "secrets.json", environ={}),
                    settings=ProviderSettings(tmp_path / "settings.json"), providers=shipped_providers(), retry=FAST)
    yield h
    await h.close()


def client_for(hub: ProviderHub, fake: FakeServer, key: str = "sk-good") -> EchoClient:
    return EchoClient(http=hub.http(fake.url), base_url=fake.url, secrets={"api_key": key}, retry=FAST)


async def test_request_and_connection_reuse(fake, hub):
    client = client_for(hub, fake)
    for i in range(20):
        assert await client.request("POST", "/v1/echo", json={"i": i}) == {"echo": {"i": i}}
    assert fake.connections == 1, "one pooled keep-alive connection serves every call"


async def test_rate_limit_then_success_honours_retry_after(fake, hub):
    fake.fail_next(429, {"error": {"message": "slow down", "code": "rate_limit_exceeded"}}, headers={"Retry-After": "0.2"})
    started = time.monotonic()
    assert await client_for(hub, fake).request("POST", "/v1/echo", json={}) == {"echo": {}}
    assert time.monotonic() - started >= 0.2
    assert len(fake.seen("/v1/echo")) == 2


async def test_5xx_retried_until_exhausted(fake, hub):
    fake.fail_next(503, {"error": {"message": "overloaded"}}, times=5)
    with pytest.raises(ProviderUnavailableError, match="overloaded"):
        await client_for(hub, fake).request("POST", "/v1/echo", json={})
    assert len(fake.seen("/v1/echo")) == FAST.max_attempts


async def test_auth_and_quota_errors_are_not_retried(fake, hub):
    with pytest.raises(AuthError, match="bad key"):
        await client_for(hub, fake, key="sk-bad").request("POST", "/v1/echo", json={})
    fake.fail_next(402, {"error": {"message": "balance is insufficient"}})
    with pytest.raises(QuotaError):
        await client_for(hub, fake).request("POST", "/v1/echo", json={})
    assert len(fake.seen("/v1/echo")) == 2


async def test_connection_refused_is_retryable_and_named(hub):
    client = EchoClient(http=hub.http("http://127.0.0.1:9"), base_url="http://127.0.0.1:9", secrets={}, retry=FAST)
    with pytest.raises(ProviderUnavailableError, match="POST /v1/echo failed"):
        await client.request("POST", "/v1/echo", json={})


async def test_download_caps_size_and_sends_no_credentials(fake, hub):
    url = fake.add_file("big.png", png_bytes(400, 400), "image/png")
    client = client_for(hub, fake)
    data, kind = await client.download(url)
    assert kind == "image/png" and data.startswith(b"\x89PNG")
    assert "Authorization" not in fake.seen("/files/")[-1].headers
    with pytest.raises(ResultTooLargeError, match="above the limit"):
        await client.download(url, max_bytes=100)
    text = fake.add_file("page.html", b"<html>", "text/html")
    with pytest.raises(Exception, match="not one of"):
        await client.download(text)


def test_retry_after_and_durations():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0, "a date in the past means now"
    assert parse_duration("41.5s") == 41.5 and parse_duration("soon") is None
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=30, jitter=0.0)
    assert [policy.delay(n) for n in (1, 2, 3, 6)] == [1.0, 2.0, 4.0, 30.0]
    assert policy.delay(1, hint_s=70.0) == 70.0, "the provider's hint is obeyed, not capped"


def make_ctx(tmp_path: Path, token: CancelToken | None = None, events: list | None = None) -> NodeContext:
    paths = Paths.under(tmp_path)
    return NodeContext(paths=paths, job_id="job1", node_id="7", class_type="X", prompt={}, extra_data={},
                       emit=(events if events is not None else []).append, token=token or CancelToken())


async def test_poll_reports_progress_and_returns_the_result(tmp_path):
    events: list = []
    states = iter([TaskStatus("queued"), TaskStatus("running", progress=0.5), TaskStatus("succeeded", result=42)])

    async def status() -> TaskStatus:
        return next(states)
    done = await poll(make_ctx(tmp_path, events=events), status, plan=PollPlan(interval_s=0.01, estimate_s=1))
    assert done.result == 42
    texts = [e.text for e in events if hasattr(e, "text")]
    assert texts[0].startswith("Task queued") and texts[-1].startswith("Task finished")
    values = [e.value for e in events if hasattr(e, "value")]
    assert 50.0 in values and values[-1] == 100


async def test_poll_fails_with_the_provider_reason(tmp_path):
    async def status() -> TaskStatus:
        return TaskStatus("failed", message="content moderation")
    with pytest.raises(TaskFailedError, match="content moderation"):
        await poll(make_ctx(tmp_path), status, plan=PollPlan(interval_s=0.01))


async def test_poll_stops_at_once_on_cancel_and_calls_cancel(tmp_path):
    token = CancelToken()
    polls, cancelled = [], []

    async def status() -> TaskStatus:
        polls.append(time.monotonic())
        return TaskStatus("running")

    async def cancel() -> None:
        cancelled.append(True)
    task = asyncio.create_task(poll(make_ctx(tmp_path, token), status, plan=PollPlan(interval_s=5.0), cancel=cancel))
    await asyncio.sleep(0.05)
    token.cancel()
    started = time.monotonic()
    with pytest.raises(ExecutionInterruptedError):
        await task
    assert time.monotonic() - started < 1.0 and len(polls) == 1 and cancelled == [True]


def test_kling_jwt_claims_and_renewal():
    cache = JwtCache("ak-1", "sk-test-secret-key-with-32-bytes!!", ttl_s=1800, renew_before_s=300)
    now = 1_800_000_000
    token = cache.token(now)
    claims = jwt.decode(token, "sk-test-secret-key-with-32-bytes!!", algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False})
    assert claims == {"iss": "ak-1", "exp": now + 1800, "nbf": now - 5}
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    assert cache.token(now + 1000) == token, "cached while more than 5 minutes remain"
    assert cache.token(now + 1600) != token, "renewed before expiry"


def test_media_helpers(tmp_path):
    image = np.zeros((2, 600, 900, 3), dtype=np.float32)
    image[1, :, :, 0] = 1.0
    png = pmedia.image_bytes(image, index=1, max_side=300)
    batch = pmedia.images_to_batch([png, pmedia.image_bytes(image, fmt="JPEG")])
    assert batch.shape == (2, 200, 300, 3) and batch[0, 0, 0, 0] > 0.99
    url = pmedia.data_url(png)
    assert url.startswith("data:image/png;base64,") and pmedia.decode_data_url(url) == (png, "image/png")
    assert not pmedia.b64(png).startswith("data:")
    ctx = make_ctx(tmp_path)
    path = pmedia.save_result(ctx, mp4_bytes(1280, 720, 30, 5), provider="kling", ext="mp4")
    assert path == tmp_path / "output" / "kling" / "job1_7_0.mp4"
    ref = pmedia.video_ref(path)
    assert (ref.width, ref.height, ref.duration_s, ref.fps) == (1280, 720, 5.0, 30.0)
    broken = pmedia.save_result(ctx, b"not a video", provider="kling", ext="mp4", index=1)
    with pytest.raises(ValueError, match="job1_7_1.mp4 is not a decodable video"):
        pmedia.video_ref(broken)


async def test_hub_credentials_message_and_base_urls(hub):
    message = hub.missing_credentials("kling", ("access_key", "secret_key"))
    assert "Kling" in message and "access_key, secret_key" in message
    assert "/api/providers/kling/secrets" in message and "KERORO_KLING_ACCESS_KEY" in message
    hub.secrets.set("kling", "access_key", "a")
    hub.secrets.set("kling", "secret_key", "b")
    assert hub.missing_credentials("kling", ("access_key", "secret_key")) is None
    assert hub.base_url("kling") == "https://api-singapore.klingai.com"
    hub.settings.update("kling", {"region": "china"})
    assert hub.base_url("kling") == "https://api-beijing.klingai.com"
    hub.settings.update("kling", {"base_url": "http://127.0.0.1:9999/"})
    assert hub.base_url("kling") == "http://127.0.0.1:9999"
    assert hub.http("http://127.0.0.1:9999/a") is hub.http("http://127.0.0.1:9999/b"), "idle: one warm pool"
    assert hub.http("http://127.0.0.1:9999/") is not hub.http("http://127.0.0.1:9998/"), "origins never share pools"


async def test_hub_spreads_a_burst_and_reuses_one_pool_when_sequential(hub):
    hub.secrets.set("echo", "api_key", "sk-good")
    burst = [hub.client(EchoClient, base_url="http://127.0.0.1:9999") for _ in range(16)]
    assert len({id(c.http) for c in burst}) == 8, "live clients are spread over the origin's pools"
    del burst
    sequential = set()
    for _ in range(5):
        client = hub.client(EchoClient, base_url="http://127.0.0.1:9999")
        sequential.add(id(client.http))
        del client
    assert len(sequential) == 1, "one client at a time always gets the same warm pool"


async def test_a_client_from_ctx_provider_stops_retrying_at_once_on_cancel(fake, hub, tmp_path):
    """``ctx.provider(Client)`` binds the client to the node: a retry waiting out a
    long Retry-After wakes when the job is cancelled, with no ``sleep`` passed."""
    hub.settings.update("echo", {"base_url": fake.url})
    hub.secrets.set("echo", "api_key", "sk-good")
    token = CancelToken()
    ctx = NodeContext(paths=Paths.under(tmp_path), job_id="job1", node_id="7", class_type="X", prompt={},
                      extra_data={}, emit=[].append, token=token, services={"providers": hub})
    client = ctx.provider(EchoClient)
    assert client.base_url == fake.url and client.context is ctx
    fake.fail_next(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "3"})
    task = asyncio.create_task(client.request("POST", "/v1/echo", json={}))
    while not fake.seen("/v1/echo"):
        await asyncio.sleep(0.01)
    started = time.monotonic()
    token.cancel()
    with pytest.raises(ExecutionInterruptedError):
        await asyncio.wait_for(task, 5)
    assert time.monotonic() - started < 1.0 and len(fake.seen("/v1/echo")) == 1
