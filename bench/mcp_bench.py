"""MCP benchmark (issue #15): what a tool call costs over the HTTP call it wraps, and
how big a result gets.

A real server (app factory, loopback TCP) and the MCP server driven by the SDK's own
client, in memory and over streamable HTTP (``keroro-graph mcp --transport http`` as a
subprocess). For each pair, N calls one after the other, median and p90:
``list_workflows`` vs ``GET /api/workflows``, ``get_job`` vs ``GET /api/runs/{id}``.
Then the largest result on the wire for 16 output images with ``max_previews=16``.

    .venv/bin/python -m bench.mcp_bench [--calls 300]
"""
from __future__ import annotations

import argparse
import logging
import asyncio
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import httpx2
from aiohttp import web
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from keroro_graph.mcp import build_server
from keroro_graph.mcp.command import remote
from keroro_graph.registry import load_registry
from keroro_graph.server.app import create_app
from keroro_graph.settings import REPO_ROOT, Settings

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "custom_nodes"


async def timed(calls: int, fn: Callable[[], Awaitable[Any]]) -> list[float]:
    for _ in range(20):
        await fn()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"median {statistics.median(ordered):6.2f} ms  p90 {ordered[int(len(ordered) * 0.9)]:6.2f} ms"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def http_mcp(url: str) -> tuple[asyncio.subprocess.Process, str]:
    """``keroro-graph mcp --transport http`` against ``url``; its /mcp URL once listening."""
    port = free_port()
    exe = Path(sys.executable).with_name("keroro-graph")
    proc = await asyncio.create_subprocess_exec(str(exe), "mcp", "--transport", "http", "--port", str(port),
                                                "--server", url, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    for _ in range(300):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return proc, f"http://127.0.0.1:{port}/mcp"
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError("the MCP server did not start")


async def compare(client: Client, http: aiohttp.ClientSession, url: str, job: str, calls: int, label: str) -> None:
    async def http_get(path: str) -> None:
        async with http.get(url + path) as resp:
            await resp.read()

    rows = [("list_workflows", lambda: client.call_tool("list_workflows", {}), lambda: http_get("/api/workflows")),
            ("get_job", lambda: client.call_tool("get_job", {"job_id": job}), lambda: http_get(f"/api/runs/{job}"))]
    for name, tool, plain in rows:
        over_mcp = await timed(calls, tool)
        over_http = await timed(calls, plain)
        overhead = statistics.median(over_mcp) - statistics.median(over_http)
        print(f"{label:10s} {name:15s} MCP  {summary(over_mcp)}")
        print(f"{'':10s} {'':15s} HTTP {summary(over_http)}   overhead (median) {overhead:5.2f} ms")


async def main(calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(user_dir=Path(tmp) / "user", custom_nodes_dirs=[FIXTURES])
        runner = web.AppRunner(create_app(settings, registry=load_registry(custom_dirs=[FIXTURES])), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            async with aiohttp.ClientSession() as http, Client(build_server(remote(url, None))) as client:
                graph = {"1": {"class_type": "TestConst", "inputs": {"value": 1}},
                         "2": {"class_type": "TestOutput", "inputs": {"source": ["1", 0]}}}
                job = (await client.call_tool("run_workflow", {"graph": graph})).structured_content["job_id"]

                await compare(client, http, url, job, calls, "in memory")
                proc, mcp_url = await http_mcp(url)
                try:
                    async with httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=300)) as transport, \
                            Client(streamable_http_client(mcp_url, http_client=transport)) as over_http:
                        await compare(over_http, http, url, job, calls, "HTTP")
                finally:
                    proc.terminate()
                    await proc.wait()
                sheet: dict[str, Any] = {}
                for i in range(16):
                    sheet[f"n{i}"] = {"class_type": "ImageNoise", "inputs": {"width": 900, "height": 900, "seed": i,
                                                                             "amount": 1.0, "monochrome": False}}
                    sheet[f"s{i}"] = {"class_type": "SaveImage", "inputs": {"images": [f"n{i}", 0],
                                                                            "filename_prefix": f"b{i}"}}
                chain: dict[str, Any] = {"0": {"class_type": "TestConst", "inputs": {"value": 0}}}
                for i in range(1, 1000):
                    chain[str(i)] = {"class_type": "TestAdd", "inputs": {"a": [str(i - 1), 0], "b": 1}}
                chain["out"] = {"class_type": "TestOutput", "inputs": {"source": ["999", 0]}}
                stamps: list[float] = []

                async def note(_value: float, _total: float | None, _message: str | None) -> None:
                    stamps.append(time.perf_counter())

                await client.call_tool("run_workflow", {"graph": chain, "previews": False}, progress_callback=note)
                busiest = max(sum(1 for t in stamps[i:] if t - stamps[i] < 1.0) for i in range(len(stamps)))
                print(f"1,000-node chain: {len(stamps)} progress notifications over {stamps[-1] - stamps[0]:.2f} s, "
                      f"at most {busiest} in any 1 s window")
                run = await client.call_tool("run_workflow", {"graph": sheet, "previews": False})
                result = await client.call_tool("get_outputs", {"job_id": run.structured_content["job_id"],
                                                                "max_previews": 16})
                size = len(result.model_dump_json(by_alias=True, exclude_none=True))
                print(f"get_outputs(max_previews=16) over 16 noise images: {size / 1024:.0f} KiB on the wire, "
                      f"{result.structured_content['previews']} previews inline")
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    sys.exit(asyncio.run(main(parser.parse_args().calls)))
