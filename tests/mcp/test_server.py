"""The workflow and job tools through the SDK's own client, in memory, against a
real server on loopback: runs with overrides, progress, previews and links, job
handles when the wait runs out, cancelling, batches, single nodes and the errors an
assistant has to act on."""
from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from keroro_graph.mcp import MAX_PREVIEW_BYTES, MAX_SIDE_PX
from keroro_graph.mcp import follow
from keroro_graph.settings import REPO_ROOT, Settings
from tests.mcp.conftest import (ProgressLog, failing, gradient, images_of, mcp_client, sleeper, text_of,
                                wait_for_status)

TOOLS = {"list_workflows", "describe_workflow", "run_workflow", "get_job", "list_jobs", "cancel_job",
         "get_outputs", "batch_run", "run_node", "list_templates", "get_template", "save_template",
         "delete_template", "list_nodes", "describe_node", "list_models", "upload_image", "get_settings",
         "set_provider_key", "system_status", "validate_workflow", "save_workflow", "estimate_cost",
         "list_outputs"}
CONTACT_SHEET = json.loads((REPO_ROOT / "user" / "examples" / "contact_sheet.workflow.json").read_text())


async def save_workflow(url: str, name: str, doc: dict[str, Any]) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{url}/api/workflows/{name}", json=doc) as resp:
            assert resp.status in (200, 201), await resp.text()


async def test_every_tool_is_listed_with_described_arguments(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description, tool.name
        for name, prop in tool.input_schema.get("properties", {}).items():
            assert prop.get("description") or name in ("limit", "offset"), (tool.name, name)
    run = tools["run_workflow"].input_schema["properties"]
    assert {"workflow", "graph", "overrides", "wait", "previews"} <= set(run)
    assert run["wait"]["default"] < 100


async def test_saved_workflow_runs_with_overrides_progress_and_an_inline_preview(keroro: str,
                                                                               settings: Settings) -> None:
    await save_workflow(keroro, "poster", gradient(prefix="mcp/poster"))
    progress = ProgressLog()
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"workflow": "poster",
                                                         "overrides": {"Background.width": 1024, "1.height": 256}},
                                        progress_callback=progress)
    assert not result.is_error, text_of(result)
    text = text_of(result)
    assert text.startswith("Job ") and "finished successfully" in text
    facts = result.structured_content
    [file] = facts["files"]
    assert file["filename"].startswith("poster_") and file["url"].startswith(f"{keroro}/view?filename=")
    assert file["url"] in text
    [(preview, size, mime)] = images_of(result)
    assert mime == "image/webp" and preview.size == (MAX_SIDE_PX, 128) and size <= MAX_PREVIEW_BYTES
    saved = settings.paths.output / "mcp" / file["filename"]
    assert saved.is_file()
    progress.assert_increasing()
    assert all(m.startswith(f"job {facts['job_id']}: ") for m in progress.messages)
    assert progress.items[-1][0] == progress.items[-1][1] == 2


async def test_a_ui_workflow_is_converted_by_the_server_and_titles_address_nodes(keroro: str) -> None:
    await save_workflow(keroro, "contact sheet", CONTACT_SHEET)
    async with mcp_client(keroro) as client:
        described = (await client.call_tool("describe_workflow", {"workflow": "contact sheet"})).structured_content
        keys = {i["key"]: i for i in described["inputs"]}
        assert keys["1.color_start"]["value"] == "#f97316" and keys["1.color_start"]["type"] == "STRING"
        assert keys["1.direction"]["type"] == "COMBO" and "radial" in keys["1.direction"]["choices"]
        assert keys["1.width"]["min"] == 1 and keys["1.width"]["title"] == "Sunset"
        assert "3.image1" not in keys  # links are wiring, not values
        result = await client.call_tool("run_workflow", {"workflow": "contact sheet",
                                                         "overrides": {"Sunset.width": 64, "Sunset.height": 64,
                                                                       "Sky.width": 64, "Sky.height": 64}})
    assert not result.is_error, text_of(result)
    assert len(images_of(result)) == 1


async def test_when_the_wait_runs_out_a_job_handle_comes_back_and_the_result_later(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": sleeper(1.0, value=41), "wait": 0.2})
        assert not result.is_error
        handle = result.structured_content
        assert handle["status"] in ("queued", "running") and handle["finished"] is False
        assert handle["job_id"] in text_of(result) and "get_job" in text_of(result)
        done = await wait_for_status(client, handle["job_id"], {"success"})
        assert done["texts"] == [{"node_id": "3", "text": "41"}]
        outputs = await client.call_tool("get_outputs", {"job_id": handle["job_id"]})
        assert not outputs.is_error and "node 3 text: 41" in text_of(outputs)
        jobs = (await client.call_tool("list_jobs", {"status": ["success"]})).structured_content
        assert handle["job_id"] in [j["id"] for j in jobs["jobs"]]


async def test_zero_wait_queues_and_returns_at_once(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": gradient(32, 32), "wait": 0})
        assert result.structured_content["finished"] is False
        done = await wait_for_status(client, result.structured_content["job_id"], {"success"})
        assert len(done["files"]) == 1


async def test_a_quiet_node_still_gets_heartbeats(keroro: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow, "HEARTBEAT_S", 0.15)
    progress = ProgressLog()
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": sleeper(0.8)}, progress_callback=progress)
    assert not result.is_error
    assert sum("still running node 2 (TestSleep)" in m for m in progress.messages) >= 2
    progress.assert_increasing()


async def test_cancel_interrupts_a_running_job(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        handle = (await client.call_tool("run_workflow", {"graph": sleeper(30), "wait": 0})).structured_content
        await wait_for_status(client, handle["job_id"], {"running"})
        cancelled = await client.call_tool("cancel_job", {"job_id": handle["job_id"]})
        assert not cancelled.is_error and cancelled.structured_content["status"] == "interrupted"
        job = await client.call_tool("get_job", {"job_id": handle["job_id"]})
        assert not job.is_error and "interrupted" in text_of(job)
        again = await client.call_tool("cancel_job", {"job_id": handle["job_id"]})
        assert again.is_error and "already finished" in text_of(again)


async def test_a_failing_node_is_a_tool_error_naming_node_and_message(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": failing("the lens cap is on")})
    assert result.is_error
    text = text_of(result)
    assert "node 2 (TestFail)" in text and "RuntimeError: the lens cap is on" in text
    assert "2.INPUT" in text and result.structured_content["status"] == "error"


@pytest.mark.parametrize(("arguments", "expected"), [
    ({"workflow": "no such thing"}, "no saved workflow named 'no such thing'"),
    ({}, "give either 'workflow'"),
    ({"graph": {"nodes": "nope"}}, "cannot be run"),
    ({"graph": gradient(), "overrides": {"Foreground.width": 5}}, "no node with id or title 'Foreground'"),
    ({"graph": gradient(), "overrides": {"1.widht": 5}}, "has no input 'widht'; its inputs are width, height"),
    ({"graph": gradient(), "overrides": {"width": 5}}, "keys look like 'NODE.INPUT'"),
    ({"graph": gradient(), "overrides": {"1.width": "wide"}},
     "node 1 (ImageGradient 'Background') input 'width': Failed to convert"),
    ({"graph": gradient(), "overrides": {"1.direction": "sideways"}}, "'sideways' not in ['horizontal'"),
])
async def test_errors_say_what_to_change(keroro: str, arguments: dict[str, Any], expected: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", arguments)
    assert result.is_error
    assert expected in text_of(result), text_of(result)


async def test_unknown_saved_workflow_suggests_close_names(keroro: str) -> None:
    await save_workflow(keroro, "poster", gradient())
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"workflow": "postre"})
    assert result.is_error and "did you mean 'poster'" in text_of(result)


async def test_a_full_size_output_never_travels_inline(keroro: str, settings: Settings) -> None:
    noise = {"1": {"class_type": "ImageNoise", "inputs": {"width": 2048, "height": 2048, "seed": 3, "amount": 1.0,
                                                          "monochrome": False}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "noise"}}}
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": noise})
        outputs = await client.call_tool("get_outputs", {"job_id": result.structured_content["job_id"]})
    full = settings.paths.output / result.structured_content["files"][0]["filename"]
    assert full.stat().st_size > 4 * MAX_PREVIEW_BYTES
    for answer in (result, outputs):
        [(preview, size, _)] = images_of(answer)
        assert max(preview.size) <= MAX_SIDE_PX and size <= MAX_PREVIEW_BYTES
        assert all(len(getattr(b, "data", "")) < 1024 * 1024 for b in answer.content)


async def test_batch_run_queues_one_job_per_override_set(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("batch_run", {"graph": gradient(16, 16), "override_sets": [
            {"1.color_start": "#000000"}, {"1.color_start": "#ffffff"}, {"1.width": 0}]})
        assert not result.is_error, text_of(result)
        jobs = result.structured_content["jobs"]
        assert [j["index"] for j in jobs] == [0, 1, 2]
        assert "input 'width'" in jobs[2]["error"]
        for job in jobs[:2]:
            await wait_for_status(client, job["job_id"], {"success"})
        bad = await client.call_tool("batch_run", {"graph": gradient(), "override_sets": [{}, {"9.width": 1}]})
        assert bad.is_error and "override set 1" in text_of(bad)


async def test_run_node_runs_one_node_and_shows_its_output(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        image = await client.call_tool("run_node", {"class_type": "EmptyImage", "inputs": {
            "width": 40, "height": 30, "batch_size": 1, "color": 0xFF0000}})
        assert not image.is_error, text_of(image)
        [(preview, _, _)] = images_of(image)
        red, green, _ = preview.convert("RGB").getpixel((20, 15))
        assert preview.size == (40, 30) and red > 240 and green < 16
        number = await client.call_tool("run_node", {"class_type": "TestConst", "inputs": {"value": 12}})
        assert "text: 12" in text_of(number)
        unknown = await client.call_tool("run_node", {"class_type": "EmptyImag", "inputs": {}})
        assert unknown.is_error and "did you mean EmptyImage" in text_of(unknown)


async def test_unknown_job_is_a_tool_error(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("get_job", {"job_id": "nope"})
    assert result.is_error and "no job 'nope'" in text_of(result)


async def test_an_unreachable_server_is_explained(keroro: str) -> None:
    async with mcp_client("http://127.0.0.1:9") as client:
        result = await client.call_tool("list_workflows", {})
        status = await client.call_tool("system_status", {})
    assert result.is_error and "cannot reach the Keroro Graph server" in text_of(result)
    assert "--embedded" in text_of(result)
    assert status.structured_content["status"] == "unreachable"
