"""A provider failure through MCP: the run_workflow tool, against a real server that
loads the Kling pack and is pointed at the Kling fake, reports a failed Kling task as a
tool error naming the node and Kling's reason, and a graph without Kling keys as the
missing-credentials error saying where to set them."""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from keroro_graph.registry import Registry, load_registry
from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import REPO_ROOT, Settings
from tests.conftest import FIXTURE_PACKS
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.mcp.conftest import mcp_client, text_of

PACKS = [REPO_ROOT / "custom_nodes", FIXTURE_PACKS]
REASON = "Content moderation: the prompt was rejected"


@pytest.fixture(scope="module")
def kling_registry() -> Registry:
    return load_registry(custom_dirs=PACKS)


@pytest.fixture(autouse=True)
def no_developer_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("KERORO_") or name.endswith(("_API_KEY", "_ACCESS_KEY", "_SECRET_KEY", "_API_TOKEN")):
            monkeypatch.delenv(name, raising=False)


@asynccontextmanager
async def kling_server(tmp_path: Path, registry: Registry) -> AsyncIterator[str]:
    """Like the MCP fixture's server, but with the provider packs loaded and polls
    scaled down so a Kling task of minutes takes milliseconds."""
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=PACKS)
    app = create_app(settings, registry=registry)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        app[RUNTIME].providers.poll_scale = 0.01
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def put(url: str, path: str, body: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{url}{path}", json=body) as resp:
            assert resp.status == 200, await resp.text()


def t2v_graph() -> dict[str, Any]:
    return {"1": {"class_type": "KlingTextToVideo",
                  "inputs": {"prompt": "a ceramic mug", "negative_prompt": "", "model": "kling-v1-6", "mode": "std",
                             "duration": "5", "aspect_ratio": "16:9", "cfg_scale": 0.5, "camera_control": "none"}},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


async def test_a_failed_kling_task_is_a_tool_error_naming_node_and_reason(tmp_path: Path,
                                                                         kling_registry: Registry) -> None:
    async with KlingFake() as fake, kling_server(tmp_path, kling_registry) as url:
        fake.fail_reason = REASON
        await put(url, "/api/providers/kling/settings", {"base_url": fake.url})
        await put(url, "/api/providers/kling/secrets", {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
        async with mcp_client(url) as client:
            result = await client.call_tool("run_workflow", {"graph": t2v_graph(), "wait": 30})
        assert result.is_error
        text = text_of(result)
        assert "node 1 (KlingTextToVideo)" in text, text
        assert REASON in text, text
        assert result.structured_content["status"] == "error"
        [task] = fake.tasks.values()
        assert task.status == "failed"


async def test_without_kling_keys_the_error_says_where_to_set_them(tmp_path: Path,
                                                                   kling_registry: Registry) -> None:
    async with KlingFake() as fake, kling_server(tmp_path, kling_registry) as url:
        await put(url, "/api/providers/kling/settings", {"base_url": fake.url})
        async with mcp_client(url) as client:
            result = await client.call_tool("run_workflow", {"graph": t2v_graph()})
        assert result.is_error
        text = text_of(result)
        assert "node 1 (KlingTextToVideo)" in text and "credentials are not set" in text, text
        assert "KERORO_KLING_ACCESS_KEY" in text and "/api/providers/kling/secrets" in text, text
        assert "set_provider_key(provider='kling'" in text, text
        async with mcp_client(url) as client:
            checked = await client.call_tool("validate_workflow", {"graph": t2v_graph()})
        assert checked.structured_content["valid"] is False
        assert "set_provider_key(provider='kling'" in checked.structured_content["summary"]
        assert fake.requests == []


async def test_estimate_cost_reads_the_price_table_and_names_unknown_prices(tmp_path: Path,
                                                                           kling_registry: Registry) -> None:
    import json

    from keroro_graph.settings import REPO_ROOT  # the Kling pack's table, which the server reads

    rows = json.loads((REPO_ROOT / "custom_nodes" / "kling" / "prices.json").read_text(encoding="utf-8"))["tables"]["kling"]["rows"]
    priced = t2v_graph()
    priced["1"]["inputs"].update(model="kling-v2-5-turbo", mode="std", duration="5")
    async with kling_server(tmp_path, kling_registry) as url, mcp_client(url) as client:
        known = await client.call_tool("estimate_cost", {"graph": priced})
        unknown = await client.call_tool("estimate_cost", {"graph": t2v_graph()})
    facts = known.structured_content
    assert facts["available"] is True and facts["total"] == {"USD": rows["kling-v2-5-turbo/std/5"]}
    assert f"Estimated cost: {rows['kling-v2-5-turbo/std/5']:g} USD." in facts["summary"]
    assert "Unknown price for node(s) 1" in unknown.structured_content["summary"]
