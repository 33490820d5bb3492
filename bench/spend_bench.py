"""Cost benchmarks (issue 13), against the Kling fake in its own process, with tasks
that take 1 s of wall time (Kling's poll cadence scaled ×0.1, as in provider_bench):

- a batch of 100 items × 2 paid nodes (TextLines → KlingImageGeneration →
  KlingImageToVideo) under a Kling limit of 20: time, against the least time the limit
  allows (200 one-second tasks through 20 slots = 10 s);
- the same batch again: every call served from the paid-result store (calls the
  fake saw, time);
- the store's lookup per node: computing the call's key and checking the store,
  for a node of constant inputs and for one fed a 1024×1024 image (already named, and
  hashed for the first time).

    .venv/bin/python bench/spend_bench.py
"""
from __future__ import annotations

import asyncio
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import numpy as np  # noqa: E402
from aiohttp import web  # noqa: E402

from keroro_graph.engine.paid import DigestMemo, call_key  # noqa: E402
from bench.provider_bench import kling_runtime  # noqa: E402
from keroro_graph.runtime import freeze_startup_heap  # noqa: E402
from keroro_graph.spend.store import PaidStore  # noqa: E402
from tests.fakes.kling import FakeTask, KlingFake  # noqa: E402

TASK_S = 1.0
ITEMS = 100
LIMIT = 20


class TimedKling(KlingFake):
    """Every task (image or video) finishes TASK_S seconds after it is first polled."""

    def __init__(self) -> None:
        super().__init__()
        self.app.router.add_route("*", "/_stats", self._stats)
        self._started: dict[str, float] = {}

    def _advance(self, task: FakeTask) -> None:
        if task.status in ("succeed", "failed"):
            return
        now = time.monotonic()
        started = self._started.setdefault(task.id, now)
        if now - started >= TASK_S:
            task.status, task.result = "succeed", self._result(task)
        else:
            task.status = "processing"

    async def _stats(self, _request: web.Request) -> web.Response:
        return web.json_response({"creates": len(self.creates())})


async def _serve_fake() -> None:
    async with TimedKling() as fake:
        print(fake.url, flush=True)
        await asyncio.Event().wait()


def batch_graph(items: int = ITEMS, tag: str = "product") -> dict[str, Any]:
    lines = "\n".join(f"{tag} {i}: a ceramic mug, studio light" for i in range(items))
    return {"lines": {"class_type": "TextLines", "inputs": {"text": lines}},
            "img": {"class_type": "KlingImageGeneration",
                    "inputs": {"prompt": ["lines", 0], "negative_prompt": "", "model": "kling-v2-1",
                               "resolution": "1k", "aspect_ratio": "1:1", "n": 1}},
            "vid": {"class_type": "KlingImageToVideo",
                    "inputs": {"start_frame": ["img", 0], "prompt": ["lines", 0], "negative_prompt": "",
                               "model": "kling-v2-5-turbo", "mode": "std", "duration": "5", "cfg_scale": 0.5}},
            "out": {"class_type": "PreviewAny", "inputs": {"source": ["vid", 1]}}}


async def run_batch(rt: Any, items: int = ITEMS, tag: str = "product") -> float:
    started = time.perf_counter()
    submitted = await rt.jobs.submit(batch_graph(items, tag))
    assert submitted.accepted, submitted.as_json()
    record = await rt.jobs.wait(submitted.prompt_id, timeout_s=600)
    assert record.status.value == "success", record.error
    return time.perf_counter() - started


def lookup_us(store: PaidStore, spec: Any, call: dict[str, Any], memo: Any, rounds: int = 200) -> float:
    times = []
    for i in range(rounds):
        t = time.perf_counter()
        key = call_key(spec, call, store.key(b"sig", i), memo)
        store.has(key)
        times.append((time.perf_counter() - t) * 1e6)
    return statistics.median(times)


async def main() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import asyncio, bench.spend_bench as b; "
                             "asyncio.run(b._serve_fake())"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()  # type: ignore[union-attr]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rt = kling_runtime(url, Path(tmp), max_jobs=4)
            async with rt:
                freeze_startup_heap()
                rt.engine.set_limit("kling", LIMIT)
                await run_batch(rt, 2, "warm-up")  # the fake encodes its MP4 once; imports happen once
                warm = httpx.get(f"{url}/_stats").json()["creates"]
                first = await run_batch(rt)
                calls_first = httpx.get(f"{url}/_stats").json()["creates"] - warm
                calls_first_total = calls_first + warm
                rt.engine.free()  # only the paid-result store may serve the second run
                second = await run_batch(rt)
                calls_second = httpx.get(f"{url}/_stats").json()["creates"] - calls_first_total
                store = rt.spend.store
                gen = rt.registry["KlingImageGeneration"]
                i2v = rt.registry["KlingImageToVideo"]
                constants = {"prompt": "a mug", "negative_prompt": "", "model": "kling-v2-1", "resolution": "1k",
                             "aspect_ratio": "1:1", "n": 1}
                image = np.random.default_rng(0).random((1, 1024, 1024, 3), dtype=np.float32)
                with_image = {"start_frame": image, "prompt": "turn", "negative_prompt": "", "model": "kling-v2-5-turbo",
                              "mode": "std", "duration": "5", "cfg_scale": 0.5}
                memo = DigestMemo()
                first_hash = lookup_us(store, i2v, with_image, None, 20)
                memo.put(image, b"named by the call that produced it")
                small, large = lookup_us(store, gen, constants, memo), lookup_us(store, i2v, with_image, memo)
    finally:
        proc.terminate()
        proc.wait()
    bound = 2 * ITEMS * TASK_S / LIMIT
    print(f"\nKeroro Graph cost benchmark — {time.strftime('%Y-%m-%d')} — {platform.machine()}, "
          f"Python {platform.python_version()} — fake Kling tasks of {TASK_S:.0f} s, Kling limit {LIMIT}")
    print("| scenario | time | provider calls | target |\n| --- | --- | --- | --- |")
    print(f"| batch of {ITEMS} items × 2 paid nodes | {first:.2f} s ({first / bound:.2f}× the {bound:.0f} s "
          f"the limit allows) | {calls_first} | ≤ 2× = {2 * bound:.0f} s |")
    print(f"| the same batch again (paid-result store) | {second:.2f} s | {calls_second} | 0 calls |")
    print(f"\nStore lookup per node (key + check), median: {small:.0f} µs with constant inputs, "
          f"{large:.0f} µs with a 1024×1024 IMAGE input named by the call that produced it; "
          f"{first_hash / 1000:.1f} ms the first time an IMAGE from a non-paid node is hashed (12 MB, once per "
          "array, off the event loop). Target ≤ 1 ms.")


if __name__ == "__main__":
    asyncio.run(main())
