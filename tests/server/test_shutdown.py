"""SIGTERM with WebSocket clients connected (one reading, one that never answers the
close) and a job running: every socket gets a going-away close frame and the process
exits on its own, instead of waiting out aiohttp's minute-long shutdown timeout."""
from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import aiohttp

from tests.live_server import live_server

SLEEP = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
         "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 60}},
         "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
#: Far below the ~46 s a connected client used to cost, far above the ~0.2 s it takes.
PATIENCE_S = 15


async def test_sigterm_says_going_away_and_exits(tmp_path: Path) -> None:
    with live_server(tmp_path / "user") as server:
        async with aiohttp.ClientSession() as http:
            reader = await http.ws_connect(f"{server.url}/ws?clientId=reader")
            silent = await http.ws_connect(f"{server.url}/ws?clientId=silent", autoclose=False)
            assert (await reader.receive_json())["type"] == "status"
            async with http.post(f"{server.url}/prompt", json={"prompt": SLEEP, "client_id": "reader"}) as resp:
                assert resp.status == 200
            while (await reader.receive_json())["type"] != "execution_start":
                pass

            started = time.monotonic()
            server.proc.send_signal(signal.SIGTERM)
            while True:
                msg = await reader.receive(timeout=PATIENCE_S)
                if msg.type is aiohttp.WSMsgType.CLOSE:
                    break
            assert msg.data == aiohttp.WSCloseCode.GOING_AWAY
            deadline = time.monotonic() + PATIENCE_S
            while server.proc.poll() is None:
                assert time.monotonic() < deadline, "server still running after SIGTERM:\n" + server.log()
                await asyncio.sleep(0.05)
            print(f"stopped in {time.monotonic() - started:.2f} s")
            assert server.proc.returncode == 0, server.log()
            await silent.close()
