"""The loop-lag probe as a process of its own: asks ``GET /prompt`` every 5 ms and, per
window (``start`` … ``stop`` lines on stdin), prints its slowest answer in seconds.

Run apart from the benchmark's client so that what the client itself does (reading a
large job's WebSocket messages, posting 15 MB) never counts as the server's lag.

    python bench/lag_probe.py URL
"""
from __future__ import annotations

import asyncio
import sys
import threading
import time

import aiohttp


async def main(url: str) -> None:
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line.strip())
        loop.call_soon_threadsafe(lines.put_nowait, "quit")

    threading.Thread(target=read_stdin, daemon=True).start()
    samples: list[float] = []
    probing = asyncio.Event()

    async def probe(session: aiohttp.ClientSession) -> None:
        while True:
            await probing.wait()
            started = time.perf_counter()
            async with session.get(f"{url}/prompt") as r:
                await r.read()
            samples.append(time.perf_counter() - started)
            await asyncio.sleep(0.005)

    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(probe(session))
        while (line := await lines.get()) != "quit":
            if line == "start":
                samples.clear()
                probing.set()
                print("started", flush=True)
            elif line == "stop":
                probing.clear()
                print(f"{max(samples, default=0.0):.6f}", flush=True)
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
