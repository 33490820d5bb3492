"""``/api/providers`` over real HTTP: catalogue, secrets (masked, 0600, never echoed),
settings validation and model lists."""
from __future__ import annotations

import os
import stat
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.registry.providers import env_vars
from tests.conftest import shipped_providers
from keroro_graph.server.keys import SECRETS, SETTINGS

SECRET = "sk-test-4f1c9a77d2e3b8c0ffee"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own keys must not leak into (or change) these tests."""
    for names in env_vars(shipped_providers().values()).values():
        for name in names:
            monkeypatch.delenv(name, raising=False)


async def provider(client: TestClient, name: str) -> dict[str, Any]:
    resp = await client.get(f"/api/providers/{name}")
    assert resp.status == 200
    return await resp.json()


async def test_the_catalogue_lists_every_provider_with_credentials_and_env_vars(client: TestClient) -> None:
    resp = await client.get("/api/providers")
    assert resp.status == 200
    providers = {p["name"]: p for p in (await resp.json())["providers"]}
    assert {"kling", "gemini", "dashscope", "siliconflow", "modelscope", "runninghub", "ohmygpt",
            "cherryin"} <= set(providers)
    kling = providers["kling"]
    assert [c["name"] for c in kling["credentials"]] == ["access_key", "secret_key"]
    assert kling["credentials"][0]["env"][0] == "KERORO_KLING_ACCESS_KEY"
    assert kling["credentials"][0]["set"] is False and kling["configured"] is False
    assert kling["base_url"] == "https://api-singapore.klingai.com" and kling["limit"] >= 1
    assert "GEMINI_API_KEY" in providers["gemini"]["credentials"][0]["env"]
    assert providers["modelscope"]["credentials"][0]["env"][0] == "KERORO_MODELSCOPE_TOKEN"


@pytest.mark.parametrize("method", ["put", "post"])
async def test_setting_a_secret_stores_it_0600_and_answers_masked(client: TestClient, method: str) -> None:
    resp = await getattr(client, method)("/api/providers/gemini/secrets", json={"api_key": SECRET})
    text = await resp.text()
    assert resp.status == 200, text
    assert SECRET not in text
    body = await resp.json()
    assert body["credentials"][0] == {"name": "api_key", "label": "API key", "env": body["credentials"][0]["env"],
                                      "set": True, "masked": "sk-…ffee", "source": "file"}
    assert body["configured"] is True
    path = client.app[SETTINGS].secrets_path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert client.app[SECRETS].get("gemini", "api_key") == SECRET


async def test_unknown_provider_or_credential_is_refused_by_name(client: TestClient) -> None:
    resp = await client.put("/api/providers/openai/secrets", json={"api_key": SECRET})
    assert resp.status == 400
    assert "openai" in (await resp.json())["error"]["message"]
    resp = await client.put("/api/providers/kling/secrets", json={"access_key": "a" * 20, "api_key": SECRET})
    assert resp.status == 400
    message = (await resp.json())["error"]["message"]
    assert "api_key" in message and SECRET not in message
    assert client.app[SECRETS].get("kling", "access_key") is None  # nothing half-applied
    for bad in ({"api_key": ""}, {"api_key": 42}, {}):
        resp = await client.put("/api/providers/gemini/secrets", json=bad)
        assert resp.status == 400


async def test_deleting_a_secret(client: TestClient) -> None:
    await client.put("/api/providers/kling/secrets", json={"access_key": "ak-0123456789ab", "secret_key": SECRET})
    resp = await client.delete("/api/providers/kling/secrets/secret_key")
    assert resp.status == 200
    body = await resp.json()
    assert body["deleted"] is True
    creds = {c["name"]: c for c in body["provider"]["credentials"]}
    assert creds["secret_key"]["set"] is False and creds["access_key"]["set"] is True
    resp = await client.delete("/api/providers/kling/secrets/secret_key")
    assert (await resp.json())["deleted"] is False
    resp = await client.delete("/api/providers/kling/secrets/password")
    assert resp.status == 400


async def test_an_environment_variable_shows_as_set_from_env(client: TestClient,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", SECRET)
    resp = await client.get("/api/providers/dashscope")
    text = await resp.text()
    assert SECRET not in text
    cred = (await resp.json())["credentials"][0]
    assert cred["set"] is True and cred["source"] == "env"


async def test_a_secret_never_appears_in_any_listing_route(client: TestClient) -> None:
    await client.put("/api/providers/siliconflow/secrets", json={"api_key": SECRET})
    paths = sorted({r.resource.canonical for r in client.app.router.routes()
                    if r.method == "GET" and r.resource is not None and "{" not in r.resource.canonical
                    and not r.resource.canonical.endswith("/ws")})
    assert "/api/providers" in paths and "/api/runs" in paths
    for path in paths:
        resp = await client.get(path)
        assert SECRET not in await resp.text(), path


async def test_settings_are_validated_and_change_the_effective_values(client: TestClient) -> None:
    for bad in ({"base_url": "ftp://example.com"}, {"base_url": "example.com"}, {"limit": 0},
                {"limit": "two"}, {"region": "mars"}, {"colour": "red"}):
        resp = await client.put("/api/providers/kling/settings", json=bad)
        assert resp.status == 400, bad
        assert (await resp.json())["error"]["type"] == "bad_request"
    resp = await client.put("/api/providers/kling/settings", json={"region": "china", "limit": 3})
    assert resp.status == 200
    kling = await resp.json()
    assert kling["base_url"] == "https://api-beijing.klingai.com" and kling["limit"] == 3
    resp = await client.put("/api/providers/kling/settings", json={"base_url": "http://127.0.0.1:9999/"})
    assert (await resp.json())["base_url"] == "http://127.0.0.1:9999"
    assert (await provider(client, "kling"))["region"] == "china"
    assert (client.app[SETTINGS].user_dir / "settings.json").is_file()


async def test_model_lists_come_from_the_catalogue_and_user_overrides(client: TestClient) -> None:
    resp = await client.get("/api/providers/gemini/models")
    body = await resp.json()
    assert "gemini-2.5-flash-image" in body["models"]["image"] and body["overridden"] == []
    resp = await client.put("/api/providers/gemini/settings", json={"models": {"image": ["my-model"]}})
    assert resp.status == 200
    resp = await client.get("/api/providers/gemini/models?kind=image")
    assert await resp.json() == {"provider": "gemini", "kind": "image", "models": ["my-model"]}
    body = await (await client.get("/api/providers/gemini/models")).json()
    assert body["overridden"] == ["image"] and body["models"]["chat"]
    resp = await client.get("/api/providers/gemini/models?kind=video")
    assert resp.status == 400
    resp = await client.get("/api/providers/nobody/models")
    assert resp.status == 400
