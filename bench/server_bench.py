"""Server benchmarks (issue #3), over real HTTP and WebSocket against a server
process started the way a user starts it (``keroro-graph serve``):

- an 800-node chain from POST /prompt to the final ``executing: null``, and its
  fully cached re-run (the in-process graphs of engine_bench.py, now over HTTP);
- 200 WebSocket clients connected while a job streams status and progress: delay
  from the moment the node emitted each event to each client receiving it;
- 1,000 small prompts POSTed back to back: accepted per second;
- server start-up with all packs: process spawn to the first answered request.

    .venv/bin/python bench/server_bench.py
"""
from __future__ import annotations

import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.engine_bench import int_chain  # noqa: E402

FIXTURE_PACKS = ROOT / "tests" / "fixtures" / "custom_nodes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_server(user_dir: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "keroro_graph.cli.main", "serve", "--port", str(port),
                             "--user-dir", str(user_dir), "--custom-nodes-dir", str(ROOT / "custom_nodes"),
                             "--custom-nodes-dir", str(FIXTURE_PACKS)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"{url}/prompt") as response:
                    if response.status == 200:
                        return proc, url, time.perf_counter() - started
            except aiohttp.ClientError:
                await asyncio.sleep(0.01)


async def run_over_ws(session: aiohttp.ClientSession, url: str, ws: Any, graph: dict[str, Any]) -> float:
    prompt_id = uuid.uuid4().hex
    started = time.perf_counter()
    async with session.post(f"{url}/prompt", json={"prompt": graph, "client_id": "bench", "prompt_id": prompt_id}) as r:
        assert r.status == 200, await r.text()
    async for msg in ws:
        if msg.type is aiohttp.WSMsgType.TEXT:
            data = msg.json()
            if data["type"] == "executing" and data["data"]["node"] is None and data["data"].get("prompt_id") == prompt_id:
                return time.perf_counter() - started
            if data["type"] == "execution_error":
                raise SystemExit(f"benchmark job failed: {data['data']}")
    raise SystemExit("socket closed")


async def chains(url: str) -> list[tuple[str, float, str, str]]:
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/ws?clientId=bench") as ws:
        first = min([await run_over_ws(session, url, ws, int_chain(800, 7_000_000 + i)) for i in range(3)])
        graph = int_chain(800, 8_000_000)
        await run_over_ws(session, url, ws, graph)
        cached = statistics.median([await run_over_ws(session, url, ws, graph) for _ in range(7)])
    return [("800-node chain over HTTP+WS, submit → executing null", first, "≤ 0.5 s", "42 s"),
            ("800-node chain over HTTP+WS, fully cached re-run", cached, "≤ 60 ms", "23 s")]


async def fan_out(url: str, clients: int = 200, ticks: int = 200) -> list[tuple[str, float, str, str]]:
    delays: list[float] = []
    counts = [0] * clients

    async def listen(index: int, ws: Any, done: asyncio.Event) -> None:
        async for msg in ws:
            now = time.time()
            if msg.type is aiohttp.WSMsgType.BINARY and msg.data[:4] == b"\x00\x00\x00\x03":
                length = int.from_bytes(msg.data[4:8], "big")
                text = msg.data[8 + length:].decode()
                if text.startswith("t="):
                    delays.append(now - float(text[2:]))
                    counts[index] += 1
            elif msg.type is aiohttp.WSMsgType.TEXT and '"executing"' in msg.data and '"node":null' in msg.data:
                done.set()
                return

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        sockets = [await session.ws_connect(f"{url}/ws?clientId=fan{i}") for i in range(clients)]
        done_events = [asyncio.Event() for _ in sockets]
        listeners = [asyncio.create_task(listen(i, ws, done_events[i])) for i, ws in enumerate(sockets)]
        graph = {"c": {"class_type": "PrimitiveInt", "inputs": {"value": int(time.time())}},
                 "t": {"class_type": "TestTicker", "inputs": {"value": ["c", 0], "ticks": ticks, "interval_s": 0.01}},
                 "o": {"class_type": "PreviewAny", "inputs": {"source": ["t", 0]}}}
        async with session.post(f"{url}/prompt", json={"prompt": graph}) as r:  # no client_id: broadcast
            assert r.status == 200, await r.text()
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in done_events)), 120)
        for task in listeners:
            task.cancel()
        for ws in sockets:
            await ws.close()
    delays.sort()
    p50, p99 = delays[len(delays) // 2], delays[int(len(delays) * 0.99)]
    complete = sum(counts) == clients * ticks
    return [(f"{clients} WebSocket clients, {ticks} status+progress events each "
             f"({sum(counts):,} deliveries{'' if complete else ' — SOME MISSING'}): p50 event delay", p50, "—", "—"),
            (f"{clients} WebSocket clients: p99 event delay", p99, "≤ 50 ms", "—")]


async def submissions(url: str, count: int = 1000) -> list[tuple[str, float, str, str]]:
    graph = {"c": {"class_type": "PrimitiveInt", "inputs": {"value": 1}},
             "o": {"class_type": "PreviewAny", "inputs": {"source": ["c", 0]}}}
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        for i in range(count):
            graph["c"]["inputs"]["value"] = i
            async with session.post(f"{url}/prompt", json={"prompt": graph}) as r:
                assert r.status == 200
        elapsed = time.perf_counter() - started
    return [(f"{count:,} small prompts POSTed back to back (accepted/s)", count / elapsed, "≥ 500/s", "—")]


def print_rows(rows: list[tuple[str, float, str, str]]) -> None:
    print(f"\nKeroro Graph server benchmark — {time.strftime('%Y-%m-%d')} — {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    print("| scenario | ours | target | ComfyUI 0.3.64 |\n| --- | --- | --- | --- |")
    for name, value, target, comfy in rows:
        shown = f"{value:,.0f}/s" if "/s" in name else (f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s")
        print(f"| {name} | {shown} | {target} | {comfy} |")


async def main() -> None:
    rows: list[tuple[str, float, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        starts = []
        for i in range(3):
            proc, url, took = await start_server(Path(tmp) / f"start{i}")
            starts.append(took)
            proc.terminate()
            proc.wait()
        rows.append(("server start with all packs (spawn → first answer)", min(starts), "≤ 1.5 s", "—"))
        proc, url, _ = await start_server(Path(tmp) / "main")
        try:
            rows += await chains(url)
            rows += await fan_out(url)
            rows += await submissions(url)
        finally:
            proc.terminate()
            proc.wait()
    print_rows(rows)


if __name__ == "__main__":
    asyncio.run(main())
