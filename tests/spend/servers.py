"""``keroro-graph serve`` as a real process for the cost tests: started on a free
port with a user folder, stopped (SIGTERM) and started again over the same folder."""
from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import AsyncIterator

import aiohttp

from keroro_graph.settings import REPO_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def serve(user_dir: Path, *packs: Path, max_jobs: int = 4) -> AsyncIterator[str]:
    """The server's base URL while the block runs."""
    port = free_port()
    args = [a for folder in packs for a in ("--custom-nodes-dir", str(folder))]
    log = open(user_dir.parent / f"server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "keroro_graph.cli.main", "serve", "--port", str(port),
                             "--max-jobs", str(max_jobs), "--user-dir", str(user_dir), *args],
                            cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(url + "/api/health") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n" + Path(log.name).read_text())
                await asyncio.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            await asyncio.get_running_loop().run_in_executor(None, proc.wait, 15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def finished(http: aiohttp.ClientSession, url: str, prompt_id: str, timeout_s: float = 60) -> dict:
    """The history entry of ``prompt_id`` once it has one."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        async with http.get(f"{url}/history/{prompt_id}") as r:
            body = await r.json()
        if prompt_id in body:
            return body[prompt_id]
        await asyncio.sleep(0.1)
    raise AssertionError(f"{prompt_id} did not finish in {timeout_s} s")
