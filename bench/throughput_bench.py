"""Throughput benchmarks (issue 18) and event-loop lag under large documents (issue 17),
over real HTTP and WebSocket against a server process started as a user starts it
(``keroro-graph serve``, every pack loaded):

- 500 tiny prompts POSTed back to back: accepted per second, and how long after the
  last answer the last job is done (``executing: null`` on the WebSocket);
- N separate jobs that each wait 1 s on provider-like I/O (the test pack's async
  ``TestSleep``), posted at once: submit of the first → all done;
- chains of 800 / 2,500 / 10,000 trivial nodes: POST → the final ``executing: null``;
- loop lag: a probe (a process of its own) asks ``GET /prompt`` every 5 ms while each of
  three 200k-node graphs is posted, while each runs (POST answered → its ``executing:
  null``; the worst of the three is the figure), in the 3 s after the last one ends, and
  while ``/api/runs``, ``/api/jobs``, ``/history`` and ``/queue`` are read with 200k-node
  jobs stored; lag = the probe's slowest answer.

    .venv/bin/python bench/throughput_bench.py [submit|waits|chains|lag ...]
"""
from __future__ import annotations

import asyncio
import json
import os
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
from bench.server_bench import free_port, print_rows, start_server  # noqa: E402

Row = tuple[str, float, str, str]
SERVER_PID = 0


def server_cpu_s() -> float:
    """CPU seconds (user + system, all threads) the server process has used so far: unlike
    wall time, this hardly moves when other work shares the machine."""
    fields = Path(f"/proc/{SERVER_PID}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watcher:
    """One WebSocket client; resolves a future per prompt id at its ``executing: null``."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.done: dict[str, asyncio.Future[float]] = {}
        self.task = asyncio.create_task(self._read())

    def future(self, prompt_id: str) -> asyncio.Future[float]:
        return self.done.setdefault(prompt_id, asyncio.get_running_loop().create_future())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type is not aiohttp.WSMsgType.TEXT or '"executing"' not in msg.data and \
                    '"execution_error"' not in msg.data:
                continue
            data = json.loads(msg.data)
            if data["type"] == "execution_error":
                raise SystemExit(f"benchmark job failed: {data['data']}")
            if data["type"] == "executing" and data["data"]["node"] is None:
                fut = self.future(data["data"]["prompt_id"])
                if not fut.done():
                    fut.set_result(time.perf_counter())


async def post(session: aiohttp.ClientSession, url: str, graph: dict[str, Any], **extra: Any) -> str:
    prompt_id = uuid.uuid4().hex
    async with session.post(f"{url}/prompt", json={"prompt": graph, "client_id": "bench",
                                                  "prompt_id": prompt_id, **extra}) as r:
        if r.status != 200:
            raise SystemExit(f"POST /prompt: {r.status} {await r.text()}")
    return prompt_id


TRIVIAL_SERVER = """
import sys
from aiohttp import web
async def answer(request):
    await request.read()
    return web.json_response({"prompt_id": "x", "number": 0, "node_errors": {}})
app = web.Application()
app.router.add_post("/prompt", answer)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


async def trivial_ceiling(count: int = 500) -> float:
    """Accepted/s of an aiohttp server that only answers, with this client, right now:
    the ceiling this machine's load allows (the figures are noisy; this says how much)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", TRIVIAL_SERVER, str(port)])
    rates = []
    try:
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.post(f"http://127.0.0.1:{port}/prompt", json={}):
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.05)
            for _ in range(3):
                started = time.perf_counter()
                for i in range(count):
                    graph = {"c": {"class_type": "PrimitiveInt", "inputs": {"value": i}},
                             "o": {"class_type": "PreviewAny", "inputs": {"source": ["c", 0]}}}
                    async with session.post(f"http://127.0.0.1:{port}/prompt",
                                            json={"prompt": graph, "client_id": "bench"}) as r:
                        await r.read()
                rates.append(count / (time.perf_counter() - started))
    finally:
        proc.terminate()
        proc.wait()
    return statistics.median(rates)


BURST = 25


def tiny(value: int) -> dict[str, Any]:
    return {"c": {"class_type": "PrimitiveInt", "inputs": {"value": value}},
            "o": {"class_type": "PreviewAny", "inputs": {"source": ["c", 0]}}}


async def submit_rate(url: str, count: int = 500) -> list[Row]:
    ceiling = await trivial_ceiling(count)
    rates, tails, cpus = [], [], []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/ws?clientId=bench") as ws:
        watcher = Watcher(ws)
        for attempt in range(3):
            ids = []
            cpu = server_cpu_s()
            started = time.perf_counter()
            for i in range(count):
                ids.append(await post(session, url, tiny(attempt * 100_000 + i)))
            accepted = time.perf_counter()
            ends = await asyncio.gather(*(watcher.future(i) for i in ids))
            rates.append(count / (accepted - started))
            tails.append(max(ends) - accepted)
            cpus.append((server_cpu_s() - cpu) / count)
        bursts = []
        for attempt in range(3):  # the same prompts from 25 clients at once (group commit)
            started = time.perf_counter()
            ids = []
            for first in range(0, count, BURST):
                ids += await asyncio.gather(*(post(session, url, tiny(9_000_000 + attempt * 100_000 + i))
                                              for i in range(first, min(first + BURST, count))))
            bursts.append(count / (time.perf_counter() - started))
            await asyncio.gather(*(watcher.future(i) for i in ids))
        watcher.task.cancel()
    return [(f"{count} tiny prompts POSTed back to back (accepted/s, median of 3)", statistics.median(rates),
             "≥ 1,000/s", "504/s"),
            (f"{count} tiny prompts POSTed {BURST} at a time (accepted/s, median of 3)", statistics.median(bursts),
             "—", "—"),
            (f"{count} tiny prompts: last done after the last answer (median of 3)", statistics.median(tails),
             "≤ 1 s", "—"),
            ("(ceiling now: an aiohttp server that only answers, same client, accepted/s)", ceiling, "—", "—"),
            (f"{count} tiny prompts: server CPU per prompt, accepted and run (median of 3)",
             statistics.median(cpus), "—", "—")]


async def provider_waits(url: str, counts: tuple[int, ...] = (20, 100)) -> list[Row]:
    rows = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session, \
            session.ws_connect(f"{url}/ws?clientId=bench") as ws:
        watcher = Watcher(ws)
        for count in counts:
            seed = time.time_ns()
            graphs = [{"c": {"class_type": "PrimitiveInt", "inputs": {"value": (seed + i) % 2**31}},
                       "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 1.0}},
                       "o": {"class_type": "PreviewAny", "inputs": {"source": ["s", 0]}}} for i in range(count)]
            started = time.perf_counter()
            ids = await asyncio.gather(*(post(session, url, g) for g in graphs))
            ends = await asyncio.gather(*(watcher.future(i) for i in ids))
            target = "≤ 1.2 s" if count <= 20 else "≤ 1.5 s"
            rows.append((f"{count} jobs × 1 s provider wait, posted at once → all done", max(ends) - started,
                         target, "20.6 s" if count == 20 else "—"))
        watcher.task.cancel()
    return rows


async def chains(url: str, sizes: tuple[int, ...] = (800, 2_500, 10_000)) -> list[Row]:
    rows = []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/ws?clientId=bench") as ws:
        watcher = Watcher(ws)
        for size in sizes:
            times, cpus = [], []
            for attempt in range(3):
                graph = int_chain(size, 9_000_000 + size * 10 + attempt)
                cpu = server_cpu_s()
                started = time.perf_counter()
                prompt_id = await post(session, url, graph)
                times.append(await watcher.future(prompt_id) - started)
                cpus.append(server_cpu_s() - cpu)
            best = min(times)
            target = {800: "≤ 0.1 s", 10_000: "≤ 1 s"}.get(size, "linear")
            rows.append((f"{size:,}-node chain over HTTP+WS, submit → executing null "
                         f"(best of 3, {best / size * 1e6:.0f} µs/node)", best, target,
                         "42 s" if size == 800 else "—"))
            rows.append((f"{size:,}-node chain: server CPU (least of 3, {min(cpus) / size * 1e6:.0f} µs/node)",
                         min(cpus), "—", "—"))
        watcher.task.cancel()
    return rows


class Probe:
    """The lag probe (bench/lag_probe.py) in a process of its own, one window at a time:
    the slowest of its ``GET /prompt`` answers (one every 5 ms) between start and stop."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "lag_probe.py"), url],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    async def _say(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return await asyncio.to_thread(self.proc.stdout.readline)

    async def start(self) -> None:
        await self._say("start")
        await asyncio.sleep(0.05)

    async def stop(self) -> float:
        return float(await self._say("stop"))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def wide_graph(nodes: int, seed: int) -> dict[str, Any]:
    """``nodes`` PrimitiveInt → PreviewAny pairs: a 200k-node document that runs fast."""
    graph: dict[str, Any] = {}
    for i in range(nodes // 2):
        graph[f"c{i}"] = {"class_type": "PrimitiveInt", "inputs": {"value": seed + i}}
        graph[f"o{i}"] = {"class_type": "PreviewAny", "inputs": {"source": [f"c{i}", 0]}}
    return graph


#: How long the lag scenario watches the last job's end before its requests begin.
SETTLE_S = 3.0


async def loop_lag(url: str, nodes: int = 200_000, stored: int = 3) -> list[Row]:
    rows = []
    probe = Probe(url)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session, \
            session.ws_connect(f"{url}/ws?clientId=bench", max_msg_size=0) as ws:
        watcher = Watcher(ws)
        ids: list[str] = []
        posts: list[tuple[float, float]] = []  # (worst probe answer, request time) per job
        runs: list[tuple[float, float]] = []
        for i in range(stored):
            body = json.dumps({"prompt": wide_graph(nodes, i * nodes), "client_id": "bench"}).encode()
            await probe.start()
            started = time.perf_counter()
            async with session.post(f"{url}/prompt", data=body,
                                    headers={"Content-Type": "application/json"}) as r:
                answer = await r.json()
                if r.status != 200:
                    raise SystemExit(f"POST /prompt: {r.status} {answer}")
            took = time.perf_counter() - started
            posts.append((await probe.stop(), took))
            ids.append(answer["prompt_id"])
            await probe.start()
            started = time.perf_counter()
            await asyncio.wait_for(watcher.future(answer["prompt_id"]), 600)
            runs.append((await probe.stop(), time.perf_counter() - started))
        # the second and third are posted while the job before is still being freed
        rows.append((f"POST /prompt of a {nodes:,}-node graph ({len(body) / 1e6:.0f} MB, answered in "
                     f"{', '.join(f'{t:.1f}' for _, t in posts)} s): worst probe answer "
                     f"({', '.join(f'{lag * 1e3:.0f}' for lag, _ in posts)} ms)", max(posts)[0], "≤ 50 ms", "—"))
        rows.append((f"the {nodes:,}-node job running (answer → executing null, "
                     f"{', '.join(f'{t:.0f}' for _, t in runs)} s): worst probe answer "
                     f"({', '.join(f'{lag * 1e3:.0f}' for lag, _ in runs)} ms)", max(runs)[0], "≤ 50 ms", "—"))
        # the last job's end (its record stored, its graph freed) in a window of its own, so
        # that the requests below are each measured on a settled server
        await probe.start()
        await asyncio.sleep(SETTLE_S)
        rows.append((f"the {SETTLE_S:.0f} s after a {nodes:,}-node job's end (executing: null; record stored, "
                     "graph freed): worst probe answer", await probe.stop(), "≤ 50 ms", "—"))
        for path in ("/api/runs?limit=100", "/api/jobs?limit=100", "/history", "/history?max_items=2",
                     f"/history/{ids[0]}", "/queue"):
            await probe.start()
            started = time.perf_counter()
            async with session.get(f"{url}{path}") as r:
                size = len(await r.read())
                status = r.status
            took = time.perf_counter() - started
            lag = await probe.stop()
            rows.append((f"GET {path} with {stored} × {nodes:,}-node jobs stored ({status}, {size / 1e6:.1f} MB "
                         f"in {took:.2f} s): worst probe answer", lag, "≤ 50 ms", "—"))
        watcher.task.cancel()
    probe.close()
    return rows


SCENARIOS = {"submit": submit_rate, "waits": provider_waits, "chains": chains, "lag": loop_lag}


async def main(names: list[str]) -> None:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        global SERVER_PID
        for name in names:
            proc, url, _ = await start_server(Path(tmp) / name)
            SERVER_PID = proc.pid
            try:
                rows += await SCENARIOS[name](url)
            finally:
                proc.terminate()
                proc.wait()
    print_rows(rows)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or list(SCENARIOS)))
