"""Issue 17: the seeded fuzz campaign (bench/fuzz_bench.py) against the MCP endpoint:
``keroro-graph mcp --transport http`` driving a real ``keroro-graph -v serve``.

    .venv/bin/python -m bench.fuzz_mcp --seconds 120 --seed 1 [--workers 4]

Each worker opens an MCP session (initialize, notifications/initialized), then sends
request ``i`` of the seed: tool calls with hostile arguments (mutated graphs, wrong
types, huge and hostile text, unknown job ids, unknown tools), resources/read of
hostile URIs, unknown methods, malformed JSON-RPC and bodies that are not JSON.
Counted as in bench/fuzz_bench.py: answers by status, 5xx, and requests dropped
without a whole answer."""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.fuzz_bench import _HOSTILE_JSON, Outcome, Request, _deep, _graph, _text, _value, report
from tests.live_server import FIXTURE_PACKS, ROOT, free_port, live_server

_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
_URIS = ["keroro://outputs/x", "keroro://outputs/../../etc/passwd", "file:///etc/passwd", "keroro://", "",
         "keroro://jobs/%00", "http://127.0.0.1:1/", "keroro://outputs/" + "a" * 5000]


def make_call(seed: int, index: int, tools: list[str]) -> Request:
    rng = random.Random(f"mcp:{seed}:{index}")
    roll = rng.random()
    req = Request(index, "mcp", "POST", "/mcp", route="tools/call")
    if roll < 0.6:
        name = rng.choice(tools + ["nope", "", "run_workflow\x00"])
        args: Any = {}
        for key in rng.sample(["graph", "workflow", "job_id", "overrides", "override_sets", "class_type", "inputs",
                               "previews", "status", "limit", "timeout_s", "wait"], rng.randint(0, 4)):
            args[key] = rng.choice([_graph(rng), _value(rng), _text(rng, 20), "a" * 70_000, -1, 10**30, None])
        if rng.random() < 0.1:
            args = rng.choice([[], "x", 1, None])
        doc: Any = {"jsonrpc": "2.0", "id": index, "method": "tools/call", "params": {"name": name, "arguments": args}}
    elif roll < 0.7:
        req.route = "resources/read"
        doc = {"jsonrpc": "2.0", "id": index, "method": "resources/read", "params": {"uri": rng.choice(_URIS)}}
    elif roll < 0.8:
        req.route = "other method"
        doc = {"jsonrpc": "2.0", "id": rng.choice([index, None, "x", [1], {"a": 1}]),
               "method": rng.choice(["tools/list", "resources/list", "prompts/list", "ping", "nope", "", "initialize",
                                     "notifications/cancelled", "logging/setLevel"]),
               "params": rng.choice([{}, [], None, _value(rng), {"cursor": _text(rng)}])}
    else:
        req.route = "raw body"
        req.body = rng.choice([_HOSTILE_JSON[rng.randrange(len(_HOSTILE_JSON))].encode("utf-8", "surrogatepass"),
                               _deep(rng.choice([50, 990, 3000]), rng.randint(0, 1)).encode(),
                               bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 64))),
                               json.dumps([{"jsonrpc": "2.0", "id": i, "method": "tools/list"} for i in range(3)]).encode()])
        return req
    # mostly valid Unicode (a lone surrogate is refused before any tool sees the call)
    req.body = json.dumps(doc, ensure_ascii=False).encode("utf-8", "replace" if rng.random() < 0.85 else "surrogatepass")
    return req


async def _post(session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str],
                timeout_s: float) -> tuple[int, str, dict[str, str]]:
    async with session.post(url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout_s)) as r:
        return r.status, await r.text(errors="replace"), dict(r.headers)


async def worker(url: str, seed: int, indexes: Any, tools: list[str], deadline: float, outcomes: list[Outcome],
                 timeout_s: float) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        init = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "1"}}}
        _status, _text_, headers = await _post(session, url, json.dumps(init).encode(), _HEADERS, timeout_s)
        session_headers = {**_HEADERS, "Mcp-Session-Id": headers.get("mcp-session-id", "")}
        await _post(session, url, b'{"jsonrpc": "2.0", "method": "notifications/initialized"}', session_headers,
                    timeout_s)
        previous = None
        for index in indexes:
            if time.monotonic() > deadline:
                return
            req = make_call(seed, index, tools)
            started, status, error, body = time.monotonic(), None, None, ""
            try:
                status, body, _ = await _post(session, url, req.body or b"", session_headers, timeout_s)
            except asyncio.TimeoutError:
                status, error = 0, f"no answer within {timeout_s} s (a tool waiting on a job)"
            except (aiohttp.ClientError, ConnectionError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            outcomes.append(Outcome(req, status, error, previous, time.monotonic() - started, body[:300]))
            previous = req


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            live_server(Path(tmp) / "user", packs=(ROOT / "custom_nodes", FIXTURE_PACKS), verbose=True) as server:
        port = free_port()
        mcp_log = Path(tmp) / "mcp.log"
        with mcp_log.open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "keroro_graph.cli.main", "-v", "mcp", "--transport", "http",
                                     "--port", str(port), "--server", server.url], cwd=ROOT, stdout=log,
                                    stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/mcp"
            outcomes = asyncio.run(_campaign(url, args))
            alive = proc.poll() is None
        finally:
            proc.terminate()
            proc.wait(20)
        elapsed = args.seconds
        figures = report(outcomes, elapsed, mcp_log.read_text(errors="replace") + server.log())
    figures.update(seed=args.seed, workers=args.workers, mcp_alive_at_end=alive,
                   timeouts=sum(1 for o in outcomes if o.status == 0))
    print(json.dumps(figures))


async def _campaign(url: str, args: Any) -> list[Outcome]:
    deadline = time.monotonic() + 30
    while True:  # until the MCP server listens
        try:
            async with aiohttp.ClientSession() as session:
                init = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "1"}}}
                _s, _t, headers = await _post(session, url, json.dumps(init).encode(), _HEADERS, 30)
                listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
                _s, text, _h = await _post(session, url, json.dumps(listing).encode(),
                                           {**_HEADERS, "Mcp-Session-Id": headers.get("mcp-session-id", "")}, 30)
            break
        except aiohttp.ClientError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    data = text[text.index("{"):] if "data:" in text else text
    tools = [t["name"] for t in json.loads(data.splitlines()[0])["result"]["tools"]]
    outcomes: list[Outcome] = []
    stop = time.monotonic() + args.seconds
    await asyncio.gather(*(worker(url, args.seed, range(w, 10**9, args.workers), tools, stop, outcomes, args.timeout)
                           for w in range(args.workers)))
    return outcomes


if __name__ == "__main__":
    main()
