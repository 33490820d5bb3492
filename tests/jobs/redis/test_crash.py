"""Crash tests against a real Redis with real processes: ``keroro-graph worker`` killed
with SIGKILL in the middle of a job (another worker finishes it), and the server
holding the WebSocket killed likewise (a new server serves the rest of the job's
events and its history)."""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import aiohttp
import pytest

from keroro_graph.engine import events as ev
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime, build_runtime
from keroro_graph.settings import Settings
from tests.conftest import FIXTURE_PACKS, Recorder, chain, until
from tests.jobs.redis_server import RedisServer, die_with_parent, free_port

CLI = Path(sys.executable).with_name("keroro-graph")


def sleepy(seconds: float) -> dict[str, Any]:
    graph = chain(2)
    graph["s"] = {"class_type": "TestSleep", "inputs": {"value": ["2", 0], "seconds": seconds}}
    graph["out"]["inputs"]["source"] = ["s", 0]
    return graph


class Process:
    """A keroro-graph subprocess whose output goes to a log file we can wait on."""

    def __init__(self, args: list[str], log: Path, env: dict[str, str]) -> None:
        self.log = log
        command = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "keroro_graph.cli.main"]
        with open(log, "wb") as out:
            self.popen = subprocess.Popen([*command, *args], stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, preexec_fn=die_with_parent,
                                          env={**os.environ, "PYTHONUNBUFFERED": "1", **env})

    async def wait_for_line(self, pattern: str, timeout_s: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log.read_text(errors="replace"))
            if found:
                return found
            if self.popen.poll() is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {pattern!r} from {self.popen.args}:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def queue_url(redis_server: RedisServer, redis_prefix: str) -> str:
    return f"{redis_server.url}?prefix={redis_prefix}&claim_idle_s=1.5"


@pytest.fixture
async def spawn(tmp_path: Path, queue_url: str) -> AsyncIterator[Callable[..., Any]]:
    """Start keroro-graph processes on the queue, all sharing one output folder."""
    processes: list[Process] = []
    shared_output = tmp_path / "shared-output"

    def start(name: str, *args: str) -> Process:
        user = tmp_path / name
        user.mkdir()
        common = ["--queue", queue_url, "--user-dir", str(user), "--custom-nodes-dir", str(FIXTURE_PACKS)]
        process = Process([*args, *common], tmp_path / f"{name}.log",
                          {"KERORO_OUTPUT_DIR": str(shared_output)})
        processes.append(process)
        return process
    yield start
    for process in processes:
        process.stop()


async def start_worker(spawn: Callable[..., Any], name: str) -> tuple[Process, str]:
    process = spawn(name, "worker", "--max-jobs", "1")
    ready = await process.wait_for_line(r"Keroro Graph worker (\S+) on ")
    return process, ready.group(1)


@pytest.fixture
async def observer(tmp_path: Path, registry: Registry, queue_url: str) -> AsyncIterator[Runtime]:
    """A server-like runtime in the test process: submits, reads and watches events."""
    rt = build_runtime(Settings(user_dir=tmp_path / "observer", queue_url=queue_url, run_workers=False),
                       registry=registry)
    rt.recorder = Recorder()  # type: ignore[attr-defined]
    rt.bus.subscribe(rt.recorder)  # type: ignore[attr-defined]
    async with rt:
        yield rt


@pytest.mark.parametrize("how", ["kill", "stop"])
async def test_a_job_survives_its_worker_being_killed(spawn: Callable[..., Any], observer: Runtime,
                                                      how: str) -> None:
    first, first_id = await start_worker(spawn, "w1")
    submitted = await observer.jobs.submit(sleepy(4), client_id="browser")
    job_id = submitted.prompt_id
    recorder = observer.recorder  # type: ignore[attr-defined]
    await until(lambda: any(e.class_type == "TestSleep" for e in recorder.of(ev.NodeStarted, job_id)), 30)
    assert (await observer.jobs.backend.get(job_id)).worker_id.startswith(first_id)
    # SIGKILL in the middle of TestSleep: no goodbye, the lease just goes quiet; or
    # SIGTERM, a rolling restart: the worker stops and leaves the job to the others
    first.kill() if how == "kill" else first.stop()

    second, second_id = await start_worker(spawn, "w2")
    record = await observer.jobs.wait(job_id, timeout_s=60)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.worker_id.startswith(second_id)
    assert record.outputs["out"] == {"text": ["3"]}
    backend = observer.jobs.backend
    assert await backend.redis.hget(backend.key("job", job_id), "deliveries") == "2"
    assert len(recorder.of(ev.JobStarted, job_id)) == 2  # one start per delivery, relayed
    assert [e.status for e in recorder.of(ev.JobRecorded, job_id)] == ["success"]
    assert await backend.count([JobStatus.QUEUED, JobStatus.RUNNING]) == 0
    second.stop()
    assert second.popen.returncode == 0


async def _messages_until(ws: aiohttp.ClientWebSocketResponse, job_id: str,
                          stop: Callable[[dict[str, Any]], bool], timeout_s: float = 60) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout_s):
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            doc = json.loads(msg.data)
            if doc.get("data", {}).get("prompt_id") in (job_id, None):
                seen.append(doc)
            if stop(doc):
                return seen
    raise AssertionError(f"the WebSocket closed; saw {seen}")


async def start_server(spawn: Callable[..., Any], name: str) -> tuple[Process, str]:
    port = free_port()
    process = spawn(name, "serve", "--no-worker", "--port", str(port))
    await process.wait_for_line(r"Keroro Graph at ")
    return process, f"http://127.0.0.1:{port}"


async def test_a_new_server_serves_a_job_whose_server_was_killed(spawn: Callable[..., Any]) -> None:
    worker, _ = await start_worker(spawn, "worker")
    server, base = await start_server(spawn, "s1")
    # The replacement is up before the job starts: on a loaded machine a server's
    # start-up can outlast the job, and what is tested is the hand-over.
    _replacement, base2 = await start_server(spawn, "s2")
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"{base}/ws?clientId=browser")
        async with http.post(f"{base}/prompt", json={"prompt": sleepy(3), "client_id": "browser"}) as resp:
            assert resp.status == 200, await resp.text()
            job_id = (await resp.json())["prompt_id"]
        # the worker's events reach this server's WebSocket as ComfyUI messages
        before = await _messages_until(ws, job_id, lambda d: d["type"] == "executing"
                                       and d["data"].get("node") == "s")
        assert [d["type"] for d in before if d["type"] != "status"][:2] == ["execution_start", "execution_cached"]
        server.kill()
        await ws.close()
        ws2 = await http.ws_connect(f"{base2}/ws?clientId=browser")
        # as in ComfyUI, the history is written after execution_success and before the
        # final "executing" with node null, which is what clients wait for
        after = await _messages_until(ws2, job_id, lambda d: d["type"] == "executing"
                                      and d["data"].get("node") is None)
        assert {"executed", "execution_success"} <= {d["type"] for d in after}
        async with http.get(f"{base2}/history/{job_id}") as resp:
            entry = (await resp.json())[job_id]
        assert entry["status"]["status_str"] == "success" and entry["outputs"]["out"] == {"text": ["3"]}
        async with http.get(f"{base2}/api/runs/{job_id}") as resp:
            assert (await resp.json())["status"] == "success"
        async with http.get(f"{base2}/queue") as resp:
            assert await resp.json() == {"queue_running": [], "queue_pending": []}
        await ws2.close()
    worker.stop()


def test_worker_and_serve_refuse_to_run_without_a_queue(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from keroro_graph.cli.main import main
    monkeypatch.delenv("KERORO_QUEUE", raising=False)
    assert main(["worker"]) == 2
    assert "needs a shared queue" in capsys.readouterr().err
    assert main(["serve", "--no-worker"]) == 2
    assert "--no-worker needs a shared queue" in capsys.readouterr().err
