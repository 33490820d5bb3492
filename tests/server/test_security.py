"""Safe by default: cross-origin writes and WebSocket upgrades refused, the access
token enforced everywhere when set, no listening beyond loopback without one, bodies
capped, and the token never written to the access log."""
from __future__ import annotations

import logging
import subprocess
import sys

import aiohttp
import pytest

from keroro_graph.server.app import RedactingAccessLogger, create_app
from keroro_graph.settings import REPO_ROOT
from tests.conftest import chain


async def test_cross_origin_writes_are_refused(client):
    evil = {"Origin": "http://evil.example"}
    response = await client.post("/prompt", json={"prompt": chain(1)}, headers=evil)
    assert response.status == 403 and "evil.example" in (await response.json())["error"]["message"]
    assert (await client.post("/api/interrupt", headers=evil)).status == 403
    assert (await client.get("/prompt", headers=evil)).status == 200, "reads are not state-changing"
    own = {"Origin": f"http://127.0.0.1:{client.port}"}
    assert (await client.post("/prompt", json={"prompt": chain(1)}, headers=own)).status == 200


async def test_cross_origin_websocket_upgrade_is_refused(client):
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect("/ws", headers={"Origin": "http://evil.example"})
    assert info.value.status == 403
    ws = await client.ws_connect("/ws", headers={"Origin": f"http://127.0.0.1:{client.port}"})
    await ws.close()


@pytest.fixture
async def guarded(settings, registry, aiohttp_client):
    settings.token = "let-me-in-0123456789"
    return await aiohttp_client(create_app(settings, registry=registry))


async def test_token_required_on_every_route_and_the_websocket(guarded):
    for method, path in (("GET", "/prompt"), ("GET", "/object_info"), ("GET", "/history"),
                         ("POST", "/prompt"), ("GET", "/view?filename=x.png"), ("GET", "/api/health")):
        response = await guarded.request(method, path)
        assert response.status == 401, path
        assert "access token" in (await response.json())["error"]["message"]
    assert (await guarded.get("/prompt", headers={"Authorization": "Bearer let-me-in-0123456789"})).status == 200
    assert (await guarded.get("/prompt?token=let-me-in-0123456789")).status == 200
    assert (await guarded.get("/prompt", headers={"Authorization": "Bearer wrong"})).status == 401
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await guarded.ws_connect("/ws")
    ws = await guarded.ws_connect("/ws?token=let-me-in-0123456789")
    assert (await ws.receive_json())["type"] == "status"
    await ws.close()


def test_refuses_to_listen_beyond_loopback_without_a_token(tmp_path):
    result = subprocess.run([sys.executable, "-m", "keroro_graph.cli.main", "serve", "--host", "0.0.0.0",
                             "--port", "0", "--user-dir", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, cwd=REPO_ROOT,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without an access token" in result.stderr


async def test_request_bodies_are_capped(settings, registry, aiohttp_client):
    settings.max_body_bytes = 64 * 1024
    small = await aiohttp_client(create_app(settings, registry=registry))
    response = await small.post("/prompt", data=b"x" * (128 * 1024), headers={"Content-Type": "application/json"})
    assert response.status == 413
    assert "larger than the limit" in (await response.json())["error"]["message"]


async def test_unknown_routes_and_methods_answer_json(client):
    response = await client.get("/nope")
    assert response.status == 404 and "error" in await response.json()
    response = await client.delete("/prompt")
    assert response.status == 405 and "error" in await response.json()


def test_access_log_never_contains_query_strings(caplog):
    class FakeRequest:
        method, path = "GET", "/ws"
        path_qs = "/ws?token=secret-token-value"

    class FakeResponse:
        status = 101

    logger = logging.getLogger("test.access")
    with caplog.at_level(logging.INFO, logger="test.access"):
        RedactingAccessLogger(logger, "").log(FakeRequest(), FakeResponse(), 0.01)
    assert "secret-token-value" not in caplog.text and "GET /ws 101" in caplog.text
