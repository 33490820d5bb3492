"""What a tool result carries, through the SDK's own client against a real server:
every ui output value (numbers, strings, lists, booleans, JSON) and not only files
and text; one preview byte budget per result with the largest dropped first; values
too large to travel inline replaced by a resource that returns them whole; output
files as MCP resources; progress throttled and naming the job; closed tool schemas."""
from __future__ import annotations

import base64
import json
import re
from typing import Any

from keroro_graph.mcp import follow
from keroro_graph.settings import Settings
from tests.mcp.conftest import ProgressLog, images_of, mcp_client, text_of

MIB = 1024 * 1024


def values_graph(value: int = 42, text_kib: int = 0) -> dict[str, Any]:
    return {"1": {"class_type": "TestConst", "inputs": {"value": value}},
            "2": {"class_type": "TestUiValues", "inputs": {"source": ["1", 0], "text_kib": text_kib}}}


def noise_sheet(count: int, side: int = 900) -> dict[str, Any]:
    graph: dict[str, Any] = {}
    for i in range(count):
        graph[f"n{i}"] = {"class_type": "ImageNoise", "inputs": {"width": side, "height": side, "seed": i,
                                                                 "amount": 1.0, "monochrome": False}}
        graph[f"s{i}"] = {"class_type": "SaveImage", "inputs": {"images": [f"n{i}", 0], "filename_prefix": f"sheet{i}"}}
    return graph


def wire_size(result: Any) -> int:
    return len(result.model_dump_json(by_alias=True, exclude_none=True))


async def test_every_ui_value_reaches_the_assistant(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": values_graph(42)})
    assert not result.is_error, text_of(result)
    values = {v["key"]: v["value"] for v in result.structured_content["values"]}
    assert values == {"value": [42], "flags": [True, False], "table": [{"sku": "A-1", "price": 9.5}],
                      "label": ["商品图"]}
    text = text_of(result)
    assert "node 2 value: 42" in text and "node 2 flags: [true, false]" in text
    assert '"sku": "A-1"' in text and "node 2 label: 商品图" in text
    assert "no outputs" not in text


async def test_a_value_too_large_to_travel_inline_is_a_resource_read_whole(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": values_graph(7, text_kib=2048)})
        assert not result.is_error, text_of(result)
        assert wire_size(result) < MIB
        [text] = result.structured_content["texts"]
        assert text["truncated"] is True and "text" not in text
        assert text["resource"] in text_of(result)
        read = await client.read_resource(text["resource"])
    [contents] = read.contents
    assert json.loads(contents.text) == ["x" * 2048 * 1024]


async def test_previews_share_one_budget_and_the_largest_are_dropped_first(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        run = await client.call_tool("run_workflow", {"graph": noise_sheet(16), "previews": False})
        assert not run.is_error, text_of(run)
        outputs = await client.call_tool("get_outputs", {"job_id": run.structured_content["job_id"],
                                                         "max_previews": 16})
    assert wire_size(outputs) < MIB
    shown = images_of(outputs)
    assert 0 < len(shown) < 16
    assert sum(len(base64.b64encode(b"x" * size)) for _, size, _ in shown) <= 512 * 1024
    assert outputs.structured_content["previews"] == len(shown)
    dropped = int(re.search(r"(\d+) preview\(s\) left out", text_of(outputs)).group(1))
    assert dropped == 16 - len(shown)
    assert len(outputs.structured_content["files"]) == 16


async def test_a_smaller_budget_keeps_fewer_previews(keroro: str) -> None:
    from contextlib import asynccontextmanager

    from mcp import Client

    from keroro_graph.mcp import build_server
    from keroro_graph.mcp.command import remote
    from keroro_graph.mcp.context import Limits

    @asynccontextmanager
    async def small_client():  # type: ignore[no-untyped-def]
        async with Client(build_server(remote(keroro, None), limits=Limits(preview_budget_bytes=40_000))) as c:
            yield c

    async with small_client() as client:
        result = await client.call_tool("run_workflow", {"graph": noise_sheet(4, side=300)})
    assert sum(len(base64.b64encode(b"x" * size)) for _, size, _ in images_of(result)) <= 40_000
    assert "left out to keep this answer under 39 KiB" in text_of(result)


async def test_output_files_are_resources_with_their_bytes_and_type(keroro: str, settings: Settings) -> None:
    graph = {"1": {"class_type": "ImageGradient", "inputs": {"width": 64, "height": 48, "color_start": "#000000",
                                                             "color_end": "#ffffff", "direction": "horizontal"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "res/grad"}}}
    async with mcp_client(keroro) as client:
        run = await client.call_tool("run_workflow", {"graph": graph})
        job_id = run.structured_content["job_id"]
        [file] = run.structured_content["files"]
        listed = await client.call_tool("list_outputs", {"job_id": job_id})
        links = [b for b in listed.content if getattr(b, "type", "") == "resource_link"]
        read = await client.read_resource(links[0].uri)
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        missing = await client.call_tool("list_outputs", {"job_id": "no-such-job"})
    assert file["resource"] == str(links[0].uri) and file["subfolder"] == "res"
    [contents] = read.contents
    assert contents.mime_type == "image/png"
    assert base64.b64decode(contents.blob) == (settings.paths.output / "res" / file["filename"]).read_bytes()
    assert {"keroro://output/{type}/{filename}{?subfolder}", "keroro://job/{job_id}/output/{node_id}/{key}"} <= templates
    assert missing.is_error and "no job 'no-such-job'" in text_of(missing)


async def test_progress_is_throttled_and_names_the_job(keroro: str) -> None:
    chain: dict[str, Any] = {"0": {"class_type": "TestConst", "inputs": {"value": 0}}}
    for i in range(1, 1000):
        chain[str(i)] = {"class_type": "TestAdd", "inputs": {"a": [str(i - 1), 0], "b": 1}}
    chain["out"] = {"class_type": "TestOutput", "inputs": {"source": ["999", 0]}}
    progress = ProgressLog()
    stamps: list[float] = []

    async def record(value: float, total: float | None, message: str | None) -> None:
        import time
        stamps.append(time.monotonic())
        await progress(value, total, message)

    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": chain, "previews": False}, progress_callback=record)
    assert not result.is_error, text_of(result)
    job_id = result.structured_content["job_id"]
    assert progress.messages[0] == f"job {job_id}: queued" and progress.messages[-1] == f"job {job_id}: finished"
    assert all(m.startswith(f"job {job_id}: ") for m in progress.messages)
    progress.assert_increasing()
    for i in range(len(stamps)):  # no one-second window holds more than 10 (+ the last, which always goes)
        assert sum(1 for t in stamps[i:] if t - stamps[i] < 1.0) <= 11
    assert len(stamps) <= 11 * max(1.0, stamps[-1] - stamps[0] + 1)


async def test_slow_nodes_are_each_reported(keroro: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(follow, "HEARTBEAT_S", 30)
    graph = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
             "2": {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "seconds": 0.3}},
             "3": {"class_type": "TestSleep", "inputs": {"value": ["2", 0], "seconds": 0.3}},
             "4": {"class_type": "TestOutput", "inputs": {"source": ["3", 0]}}}
    progress = ProgressLog()
    async with mcp_client(keroro) as client:
        result = await client.call_tool("run_workflow", {"graph": graph}, progress_callback=progress)
    job_id = result.structured_content["job_id"]
    assert f"job {job_id}: running node 2 (TestSleep)" in progress.messages
    assert f"job {job_id}: running node 3 (TestSleep)" in progress.messages


async def test_tool_schemas_are_closed_titled_and_have_output_schemas(keroro: str) -> None:
    async with mcp_client(keroro) as client:
        tools = (await client.list_tools()).tools
    for tool in tools:
        dumped = json.dumps(tool.input_schema)
        assert '"anyOf"' not in dumped and '"null"' not in dumped and '"default": null' not in dumped, tool.name
        assert tool.title and tool.output_schema and tool.output_schema.get("properties"), tool.name
        if "workflow" in tool.input_schema.get("properties", {}):  # either a name or a graph: both optional
            assert not {"workflow", "graph"} & set(tool.input_schema.get("required", [])), tool.name
    run = next(t for t in tools if t.name == "run_workflow")
    assert run.output_schema["required"] == ["status", "job_id", "finished"]
    assert run.output_schema["properties"]["files"]["items"]["additionalProperties"] is False
