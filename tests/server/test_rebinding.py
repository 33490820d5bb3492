"""DNS rebinding, end to end: a page whose domain was re-pointed at 127.0.0.1 sends
``Host: evil.example:PORT``. Without a token the server answers nothing to it (not
one route, not the WebSocket), so it cannot re-point a provider's base URL at its own
listener, and that listener never receives the stored key. Also: Origin compared as
host:port, ``--allowed-host``, and the empty or wildcard bind address needing a token."""
from __future__ import annotations

import re
import subprocess
import sys

import aiohttp
import pytest

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.server.middlewares import is_loopback, is_our_host
from keroro_graph.settings import REPO_ROOT, Settings
from tests.fakes.base import FakeServer
from tests.fakes.dashscope import API_KEY, DashScopeFake
from tests.providers.conftest import PACKS, full_registry  # noqa: F401 - a fixture
from tests.providers.qwen.conftest import t2i_graph
from tests.conftest import FIXTURE_PACKS


@pytest.fixture
async def attacker():
    async with FakeServer() as listener:
        yield listener


@pytest.fixture
async def dashscope():
    async with DashScopeFake() as fake:
        yield fake


@pytest.fixture
async def victim(tmp_path, full_registry, aiohttp_client, dashscope, monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("KERORO_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS])
    client = await aiohttp_client(create_app(settings, registry=full_registry))
    client.server.app[RUNTIME].providers.poll_scale = 0.01
    own = {"Origin": f"http://127.0.0.1:{client.port}"}
    assert (await client.put("/api/providers/dashscope/secrets", json={"api_key": API_KEY}, headers=own)).status < 300
    assert (await client.put("/api/providers/dashscope/settings", json={"base_url": dashscope.url},
                             headers=own)).status < 300
    return client


def _every_route(app) -> list[tuple[str, str]]:
    out = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        if path:
            out.append((route.method, re.sub(r"\{[^}]*\}", "x", path)))
    return out


async def test_no_route_answers_a_foreign_host_and_no_key_reaches_the_attacker(victim, attacker, dashscope):
    port = victim.port
    evil = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
    routes = _every_route(victim.server.app)
    assert len(routes) > 40
    async with aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{port}"
        reached = []
        for method, path in routes:
            method = "GET" if method in ("*", "HEAD") else method
            async with session.request(method, base + path, headers=evil, json={}) as response:
                if response.status != 421:
                    reached.append((method, path, response.status))
        # Public links (--public-url) answer any Host: the unguessable link is the credential;
        # a made-up one finds nothing (tests/providers/kling/test_kling_video_inputs.py).
        assert reached == [("GET", "/api/media/x", 404)]
        # the attack itself: re-point the provider at the attacker's listener, then run
        async with session.put(f"{base}/api/providers/dashscope/settings", headers=evil,
                               json={"base_url": attacker.url}) as response:
            assert response.status == 421
            assert "DNS rebinding" in (await response.json())["error"]["message"]
        async with session.post(f"{base}/prompt", headers=evil, json={"prompt": t2i_graph()}) as response:
            assert response.status == 421
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await session.ws_connect(f"{base}/ws", headers=evil)
        assert info.value.status == 421
    # the user's own run still goes to the configured provider, with the key, and nowhere else
    answer = await (await victim.post("/prompt", json={"prompt": t2i_graph()})).json()
    job = await victim.server.app[RUNTIME].jobs.wait(answer["prompt_id"], timeout_s=30)
    assert job.status is JobStatus.SUCCESS, job.error
    assert dashscope.seen("/api/") and attacker.requests == []


async def test_a_foreign_host_cannot_read_or_open_the_socket(client):
    evil = {"Host": "attacker.test"}
    for path in ("/history", "/api/providers", "/object_info", "/api/runs", "/queue", "/"):
        response = await client.get(path, headers=evil)
        assert response.status == 421, path
    assert (await client.get("/history", headers={"Host": f"localhost:{client.port}"})).status == 200
    assert (await client.get("/history", headers={"Host": f"[::1]:{client.port}"})).status == 200


async def test_origin_is_compared_with_its_port(client):
    other_app = {"Origin": "http://127.0.0.1:3000"}
    response = await client.post("/prompt", json={"prompt": {}}, headers=other_app)
    assert response.status == 403 and "127.0.0.1:3000" in (await response.json())["error"]["message"]
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect("/ws", headers=other_app)
    assert info.value.status == 403
    same = {"Origin": f"http://127.0.0.1:{client.port}"}
    assert (await client.post("/interrupt", headers=same)).status == 200


async def test_allowed_hosts_by_name_or_by_name_and_port(settings, registry, aiohttp_client):
    settings.allowed_hosts = ["kg.lan", "studio.lan:9999"]
    client = await aiohttp_client(create_app(settings, registry=registry))
    assert (await client.get("/history", headers={"Host": f"kg.lan:{client.port}"})).status == 200
    assert (await client.get("/history", headers={"Host": "studio.lan:9999"})).status == 200
    assert (await client.get("/history", headers={"Host": f"studio.lan:{client.port}"})).status == 421
    response = await client.post("/interrupt", headers={"Host": f"kg.lan:{client.port}",
                                                       "Origin": f"http://kg.lan:{client.port}"})
    assert response.status == 200
    response = await client.post("/interrupt", headers={"Host": f"kg.lan:{client.port}",
                                                       "Origin": f"http://evil.example:{client.port}"})
    assert response.status == 403


async def test_token_mode_answers_any_host_that_carries_the_token(settings, registry, aiohttp_client):
    settings.token = "a-long-enough-token-0123"
    client = await aiohttp_client(create_app(settings, registry=registry))
    headers = {"Host": "kg.example.com", "Authorization": "Bearer a-long-enough-token-0123"}
    assert (await client.get("/history", headers=headers)).status == 200
    assert (await client.get("/history", headers={"Host": "kg.example.com"})).status == 401


def test_host_names():
    assert is_our_host("127.0.0.1:8188") and is_our_host("localhost") and is_our_host("[::1]:80")
    assert is_our_host("127.8.9.10:1")
    assert not is_our_host("evil.example:8188") and not is_our_host("") and not is_our_host("localhost.evil.example")
    assert not is_our_host("127.0.0.1.nip.io:8188")
    assert not is_loopback("") and not is_loopback("0.0.0.0") and not is_loopback("::")


@pytest.mark.parametrize("host", ["", "0.0.0.0", "::"])
def test_an_empty_or_wildcard_bind_address_needs_a_token(tmp_path, host):
    result = subprocess.run([sys.executable, "-m", "keroro_graph.cli.main", "serve", "--host", host,
                             "--port", "0", "--user-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 2, result.stderr
    assert "without an access token" in result.stderr
