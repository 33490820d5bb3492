"""A server process killed with SIGKILL in the middle of a burst of submits loses no
prompt it answered 200: after a restart on the same store every one of them is there
(still queued, or run, or interrupted), and the ones that never started run."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from tests.conftest import FIXTURE_PACKS, chain
from tests.jobs.redis.test_crash import Process
from tests.jobs.redis_server import free_port

POSTERS = 8
KILL_AFTER = 150


async def start(tmp_path: Path, name: str, user: Path) -> tuple[Process, str]:
    port = free_port()
    process = Process(["serve", "--port", str(port), "--user-dir", str(user), "--custom-nodes-dir",
                       str(FIXTURE_PACKS), "--max-jobs", "1", "--max-waiting-jobs", "0"],
                      tmp_path / f"{name}.log", {})
    await process.wait_for_line(r"Keroro Graph at ")
    return process, f"http://127.0.0.1:{port}"


def slow(value: int) -> dict[str, Any]:
    graph = chain(1, start=value)
    graph["s"] = {"class_type": "TestSleep", "inputs": {"value": ["1", 0], "seconds": 0.2}}
    graph["out"]["inputs"]["source"] = ["s", 0]
    return graph


async def test_no_answered_prompt_is_lost_to_a_kill(tmp_path: Path) -> None:
    user = tmp_path / "user"
    server, base = await start(tmp_path, "first", user)
    answered: list[str] = []
    killed = asyncio.Event()

    async def post_until_killed(session: aiohttp.ClientSession, poster: int) -> None:
        for i in range(10_000):
            try:
                async with session.post(f"{base}/prompt", json={"prompt": slow(poster * 100_000 + i)}) as resp:
                    if resp.status == 200:
                        answered.append((await resp.json())["prompt_id"])
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return  # the server is gone: answers that never came promise nothing
            if len(answered) >= KILL_AFTER and not killed.is_set():
                killed.set()
                server.kill()  # mid-burst: the other posters' requests are in flight

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            await asyncio.gather(*(post_until_killed(session, p) for p in range(POSTERS)))
    finally:
        server.kill()
    assert killed.is_set() and len(answered) >= KILL_AFTER

    again, base = await start(tmp_path, "second", user)
    try:
        async with aiohttp.ClientSession() as session:
            statuses = {}
            for job_id in answered:
                async with session.get(f"{base}/api/runs/{job_id}") as resp:
                    assert resp.status == 200, f"answered prompt {job_id} is lost"
                    statuses[job_id] = (await resp.json())["status"]
            assert set(statuses.values()) <= {"queued", "running", "success", "interrupted"}
            assert "queued" in statuses.values()  # the kill came before the queue drained
            first_queued = next(j for j, s in statuses.items() if s == "queued")
            for _ in range(300):  # and the queued ones run after the restart
                async with session.get(f"{base}/api/runs/{first_queued}") as resp:
                    if (await resp.json())["status"] == "success":
                        break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("a job queued before the kill did not run after the restart")
    finally:
        again.stop()
