"""The tools for deciding before running and for keeping work, through the SDK's own
client against a real server: validate_workflow (the node errors the server would
give, nothing queued), save_workflow (never overwrites unless asked),
estimate_cost, and errors that name the tool that fixes them."""
from __future__ import annotations


import aiohttp

from keroro_graph.settings import Settings
from tests.mcp.conftest import gradient, keroro_server, mcp_client, text_of


async def queued_count(url: str) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/api/runs", params={"limit": 200}) as resp:
            return (await resp.json())["total"]


async def test_validate_reports_what_the_server_would_refuse_and_runs_nothing(keroro: str) -> None:
    bad = gradient()
    bad["1"]["inputs"]["width"] = 0
    bad["1"]["inputs"]["direction"] = "sideways"
    async with mcp_client(keroro) as client:
        good = await client.call_tool("validate_workflow", {"graph": gradient()})
        refused = await client.call_tool("validate_workflow", {"graph": bad})
        overridden = await client.call_tool("validate_workflow", {"graph": gradient(),
                                                                  "overrides": {"Background.width": -5}})
    assert not good.is_error and good.structured_content["valid"] is True
    assert good.structured_content["outputs"] == ["2"] and "valid" in good.structured_content["summary"]
    facts = refused.structured_content
    assert facts["valid"] is False and set(facts["node_errors"]) == {"1"}
    assert "node 1 (ImageGradient 'Background') input 'width'" in facts["summary"]
    assert "'sideways' not in" in facts["summary"]
    assert overridden.structured_content["valid"] is False
    assert await queued_count(keroro) == 0


async def test_save_workflow_refuses_to_overwrite_unless_asked(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        first = await client.call_tool("save_workflow", {"name": "poster", "graph": gradient(prefix="one")})
        again = await client.call_tool("save_workflow", {"name": "poster", "graph": gradient(prefix="two")})
        kept = await client.call_tool("describe_workflow", {"workflow": "poster"})
        replaced = await client.call_tool("save_workflow", {"name": "poster", "graph": gradient(prefix="two"),
                                                            "overwrite": True})
        now = await client.call_tool("describe_workflow", {"workflow": "poster"})
        listed = await client.call_tool("list_workflows", {})
    assert not first.is_error and first.structured_content["name"] == "poster"
    assert again.is_error and "overwrite: true" in text_of(again)
    prefix = {i["key"]: i["value"] for i in kept.structured_content["inputs"]}["2.filename_prefix"]
    assert prefix == "one"
    assert not replaced.is_error
    assert {i["key"]: i["value"] for i in now.structured_content["inputs"]}["2.filename_prefix"] == "two"
    assert [w["name"] for w in listed.structured_content["workflows"]] == ["poster"]


async def test_estimate_cost_answers_for_an_offline_graph(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("estimate_cost", {"graph": gradient()})
    assert not result.is_error, text_of(result)
    facts = result.structured_content
    if facts["available"]:  # a server with price tables: an offline graph costs nothing
        assert not any(facts["total"].values()) and "Estimated cost" in facts["summary"]
    else:
        assert "does not estimate costs yet" in facts["summary"]


async def test_a_wrong_token_is_reported_as_unauthorized_not_unreachable(settings: Settings, registry: object) -> None:
    guarded = settings.model_copy(update={"token": "right-token-123"})
    async with keroro_server(guarded, registry) as url:
        async with mcp_client(url, token="wrong-token") as client:
            status = await client.call_tool("system_status", {})
    facts = status.structured_content
    assert facts["status"] == "unauthorized" and "--token" in facts["error"]


async def test_validate_refuses_a_key_pasted_into_a_widget_as_submit_does(keroro: str) -> None:
    key = "sk-test-pasted-0123456789abcdef"
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{keroro}/api/providers/dashscope/secrets", json={"api_key": key}) as resp:
            assert resp.status == 200, await resp.text()
    graph = gradient()
    graph["2"]["inputs"]["filename_prefix"] = key
    async with mcp_client(keroro) as client:
        checked = await client.call_tool("validate_workflow", {"graph": graph})
    facts = checked.structured_content
    assert facts["valid"] is False and set(facts["node_errors"]) == {"2"}
    assert key not in facts["summary"]
    assert await queued_count(keroro) == 0
