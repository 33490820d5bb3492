"""``keroro-graph mcp`` as a subprocess, driven by the SDK's own client: over stdio
against a real server on loopback, over stdio with ``--embedded`` (its own server in
the process), and over streamable HTTP with a bearer token and the SDK's
DNS-rebinding protection on."""
from __future__ import annotations

import asyncio
import re
import socket
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from keroro_graph.cli.main import main
from keroro_graph.settings import REPO_ROOT
from tests.conftest import FIXTURE_PACKS
from tests.mcp.conftest import ProgressLog, gradient, images_of, sleeper, text_of, wait_for_status

EXE = str(Path(sys.executable).with_name("keroro-graph"))
TOKEN = "mcp-test-token-5309"


def stdio(*args: str) -> StdioServerParameters:
    return StdioServerParameters(command=EXE, args=["mcp", *args], cwd=str(REPO_ROOT))


async def run_with_progress(client: Client) -> None:
    """The shared check: a run with overrides streams progress and returns an image."""
    progress = ProgressLog()
    result = await client.call_tool("run_workflow", {"graph": gradient(), "overrides": {"Background.width": 900}},
                                    progress_callback=progress)
    assert not result.is_error, text_of(result)
    [(preview, _, mime)] = images_of(result)
    assert preview.size == (512, 273) and mime == "image/webp"
    job_id = result.structured_content["job_id"]
    assert progress.messages[0] == f"job {job_id}: queued" and progress.messages[-1] == f"job {job_id}: finished"
    progress.assert_increasing()


async def recover_after_the_client_gives_up(client: Client) -> None:
    """A client whose own timeout (Cherry Studio: 60 s) fires before a long run ends
    (here scaled down: 1 s against a 3 s run): the job keeps running, and the job id
    in the first progress message is enough to get its result afterwards."""
    progress = ProgressLog()
    with pytest.raises(Exception) as gave_up:
        await client.call_tool("run_workflow", {"graph": sleeper(3.0, value=90)}, read_timeout_seconds=1.0,
                               progress_callback=progress)
    assert "time" in f"{type(gave_up.value).__name__} {gave_up.value}".lower()
    found = re.match(r"job (\S+): ", progress.messages[0])
    assert found, progress.messages
    facts = await wait_for_status(client, found.group(1), {"success"}, timeout_s=30)
    assert facts["texts"] == [{"node_id": "3", "text": "90"}]


async def test_stdio_against_a_server_on_loopback(keroro: str) -> None:
    async with Client(stdio("--server", keroro)) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        assert {"run_workflow", "get_job", "system_status"} <= tools
        await run_with_progress(client)
        handle = (await client.call_tool("run_workflow", {"graph": sleeper(0.6), "wait": 0.1})).structured_content
        assert handle["finished"] is False
        failed = await client.call_tool("run_workflow", {"graph": gradient(), "overrides": {"1.nope": 1}})
        assert failed.is_error and "has no input 'nope'" in text_of(failed)
        await recover_after_the_client_gives_up(client)


async def test_stdio_embedded_starts_its_own_server(tmp_path: Path) -> None:
    params = stdio("--embedded", "--user-dir", str(tmp_path / "user"), "--custom-nodes-dir", str(FIXTURE_PACKS))
    async with Client(params) as client:
        status = (await client.call_tool("system_status", {})).structured_content
        assert status["status"] == "ready" and status["server"].startswith("http://127.0.0.1:")
        await run_with_progress(client)
    assert list((tmp_path / "user" / "output" / "mcp").glob("gradient_*.png"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def http_mcp(keroro: str, log: Path) -> AsyncIterator[str]:
    """``keroro-graph mcp --transport http`` with a bearer token; yields its /mcp URL."""
    port = free_port()
    with log.open("wb") as stderr:
        proc = await asyncio.create_subprocess_exec(
            EXE, "mcp", "--transport", "http", "--port", str(port), "--server", keroro, "--http-token", TOKEN,
            cwd=str(REPO_ROOT), stdin=asyncio.subprocess.DEVNULL, stdout=stderr, stderr=stderr)
        try:
            await _until_listening(port, proc)
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()


async def _until_listening(port: int, proc: asyncio.subprocess.Process, timeout_s: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        assert proc.returncode is None, "the MCP server exited"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            assert loop.time() < deadline, "the MCP server did not start listening"
            await asyncio.sleep(0.1)


async def test_streamable_http_with_a_bearer_token(keroro: str, tmp_path: Path) -> None:
    async with http_mcp(keroro, tmp_path / "mcp.log") as url:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"},
                                      timeout=httpx2.Timeout(30, read=300)) as http:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                assert len((await client.list_tools()).tools) == 24
                await run_with_progress(client)
                jobs = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
                assert jobs and jobs[0]["status"] == "success"
                await recover_after_the_client_gives_up(client)
        async with aiohttp.ClientSession() as raw:
            probe = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
            async with raw.post(url, json=probe) as resp:
                assert resp.status == 401
            async with raw.post(url, json=probe, headers={"Authorization": "Bearer wrong"}) as resp:
                assert resp.status == 401
            rebinding = {"Authorization": f"Bearer {TOKEN}", "Host": "evil.example:80"}
            async with raw.post(url, json=probe, headers=rebinding) as resp:
                assert resp.status == 421
            foreign = {"Authorization": f"Bearer {TOKEN}", "Origin": "http://evil.example"}
            async with raw.post(url, json=probe, headers=foreign) as resp:
                assert resp.status == 403


def test_http_beyond_loopback_needs_a_bearer_token(capsys, monkeypatch) -> None:
    monkeypatch.delenv("KERORO_MCP_TOKEN", raising=False)
    assert main(["mcp", "--transport", "http", "--host", "0.0.0.0"]) == 2
    assert "without a bearer token" in capsys.readouterr().err
