"""Redis job backend benchmark (issue #7): 200 provider-like jobs (the test pack's
async ``TestSleep``, 1 s each, a distinct input per job so the output cache cannot
short-cut them) through a shared Redis queue worked by 1, 2 and 4
``keroro-graph worker`` processes, against the embedded backend in one process.

- jobs/s from the first submit to the last finish;
- p50/p99 submit → start (``created_at`` → ``started_at`` of each record; all 200 are
  submitted at once, so this is mostly time spent waiting in the queue);
- elapsed against the ideal ⌈jobs / slots⌉ × 1 s (every slot busy, zero overhead);
- the per-job overhead of Redis against the embedded store, two ways: the backend
  calls one job makes (submit, lease, heartbeat, finish, get) in a loop, and no-op
  jobs run one after another end to end (submit → JobRecorded seen by the submitter);
  medians, as the machine may be shared.

    .venv/bin/python bench/redis_bench.py [--jobs 200] [--slots 16]

Starts its own redis-server (Debian's package) on a free loopback port.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from keroro_graph.jobs.backend import JobBackend, JobRecord, JobStatus  # noqa: E402
from keroro_graph.jobs.embedded import EmbeddedBackend  # noqa: E402
from keroro_graph.jobs.redis_backend import RedisStreamsBackend  # noqa: E402
from keroro_graph.registry import load_registry  # noqa: E402
from keroro_graph.runtime import Runtime, build_runtime  # noqa: E402
from keroro_graph.settings import Settings  # noqa: E402
from tests.jobs.redis_server import RedisServer  # noqa: E402

FIXTURE_PACKS = ROOT / "tests" / "fixtures" / "custom_nodes"
CLI = Path(sys.executable).with_name("keroro-graph")


def sleep_job(i: int, seconds: float = 1.0) -> dict[str, Any]:
    return {"c": {"class_type": "TestConst", "inputs": {"value": i}},
            "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": seconds}},
            "out": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}


def noop_job(i: int) -> dict[str, Any]:
    return {"c": {"class_type": "TestConst", "inputs": {"value": i}},
            "out": {"class_type": "TestOutput", "inputs": {"source": ["c", 0]}}}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def burst(rt: Runtime, jobs: int, slots: int) -> dict[str, float]:
    """Submit ``jobs`` sleep jobs at once, wait for all, measure from their records."""
    salt = uuid.uuid4().int % 1_000_000 * 1000
    ids = []
    for i in range(jobs):
        submitted = await rt.jobs.submit(sleep_job(salt + i))
        assert submitted.accepted, submitted.as_json()
        ids.append(submitted.prompt_id)
    records = await asyncio.gather(*(rt.jobs.wait(i, timeout_s=600) for i in ids))
    assert all(r.status is JobStatus.SUCCESS for r in records), [r.error for r in records if r.error][:1]
    waits = [r.started_at - r.created_at for r in records]
    elapsed = max(r.finished_at for r in records) - min(r.created_at for r in records)
    return {"jobs_s": jobs / elapsed, "p50": percentile(waits, 0.5), "p99": percentile(waits, 0.99),
            "elapsed": elapsed, "ideal": float(math.ceil(jobs / slots))}


def spawn_workers(n: int, url: str, folder: Path, slots: int) -> list[subprocess.Popen[bytes]]:
    command = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "keroro_graph.cli.main"]
    procs = []
    for k in range(n):
        log = open(folder / f"worker{k}.log", "wb")
        procs.append(subprocess.Popen(
            [*command, "worker", "--queue", url, "--max-jobs", str(slots), "--user-dir", str(folder / f"w{k}"),
             "--custom-nodes-dir", str(FIXTURE_PACKS), "--output-dir", str(folder / "shared-output")],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}))
        log.close()
    for k in range(n):
        deadline = time.monotonic() + 60
        while b"Keroro Graph worker" not in (folder / f"worker{k}.log").read_bytes():
            if time.monotonic() > deadline or procs[k].poll() is not None:
                raise RuntimeError((folder / f"worker{k}.log").read_text())
            time.sleep(0.05)
    return procs


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(30)


async def sequential(rt: Runtime, jobs: int) -> float:
    """Median seconds per no-op job run one after another, end to end (the median,
    because the machine is shared and a mean carries other processes' hiccups)."""
    salt = uuid.uuid4().int % 1_000_000 * 1000
    await rt.jobs.wait((await rt.jobs.submit(noop_job(salt - 1))).prompt_id, timeout_s=60)  # warm up
    times = []
    for i in range(jobs):
        start = time.perf_counter()
        await rt.jobs.wait((await rt.jobs.submit(noop_job(salt + i))).prompt_id, timeout_s=60)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def backend_cycle(store: JobBackend, jobs: int) -> float:
    """Median seconds for the backend calls one job makes: submit, lease, heartbeat,
    finish, get (a 20-node prompt, as a small real graph)."""
    await store.open()
    prompt = {str(n): {"class_type": "TestAdd", "inputs": {"a": [str(n - 1), 0], "b": 1}} for n in range(20)}
    times = []
    for _ in range(jobs):
        start = time.perf_counter()
        job = JobRecord(id=uuid.uuid4().hex, number=0, prompt=prompt)
        await store.submit(job)
        leased = await store.lease("w")
        await store.heartbeat(leased.id, "w")
        await store.finish(leased.id, JobStatus.SUCCESS, outputs={"out": {"text": ["1"]}}, meta={}, messages=[])
        await store.get(leased.id)
        times.append(time.perf_counter() - start)
    await store.close()
    return statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--slots", type=int, default=16, help="jobs at once per worker process")
    args = parser.parse_args()
    registry = load_registry(custom_dirs=[FIXTURE_PACKS])
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder / "redis").start()
        try:
            settings = Settings(user_dir=folder / "embedded", max_jobs=args.slots)
            async with build_runtime(settings, registry=registry) as rt:
                rows.append(("embedded, 1 process", await burst(rt, args.jobs, args.slots)))
                embedded_seq = await sequential(rt, 200)
            for n in (1, 2, 4):
                url = f"{redis.url}?prefix=bench{n}"
                (folder / f"run{n}").mkdir()
                procs = spawn_workers(n, url, folder / f"run{n}", args.slots)
                try:
                    submitter = build_runtime(Settings(user_dir=folder / f"sub{n}", queue_url=url,
                                                       run_workers=False), registry=registry)
                    async with submitter:
                        rows.append((f"redis, {n} worker process{'es' if n > 1 else ''}",
                                     await burst(submitter, args.jobs, args.slots * n)))
                        if n == 1:
                            redis_seq = await sequential(submitter, 200)
                finally:
                    stop(procs)
            cycle_embedded = await backend_cycle(EmbeddedBackend(folder / "cycle" / "jobs.sqlite3"), 500)
            cycle_redis = await backend_cycle(RedisStreamsBackend(redis.url, prefix="cycle"), 500)
        finally:
            redis.stop()
    report(rows, args, embedded_seq=embedded_seq, redis_seq=redis_seq,
           cycle_embedded=cycle_embedded, cycle_redis=cycle_redis)


def report(rows: list[tuple[str, dict[str, float]]], args: Any, **m: float) -> None:
    print(f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} cores · Python "
          f"{platform.python_version()} · {args.jobs} jobs of TestSleep(1 s), {args.slots} job slots per process\n")
    print("| setup | jobs/s | p50 submit→start | p99 submit→start | elapsed | ideal |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in rows:
        print(f"| {name} | {r['jobs_s']:.1f} | {r['p50']:.2f} s | {r['p99']:.2f} s | {r['elapsed']:.2f} s "
              f"| {r['ideal']:.0f} s |")
    print("\n| per-job overhead, Redis vs embedded | embedded | redis | overhead | target |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| backend calls (submit, lease, heartbeat, finish, get) | {m['cycle_embedded'] * 1000:.2f} ms "
          f"| {m['cycle_redis'] * 1000:.2f} ms | {(m['cycle_redis'] - m['cycle_embedded']) * 1000:+.2f} ms | ≤ 5 ms |")
    print(f"| no-op job end to end, one at a time (worker in another process) | {m['embedded_seq'] * 1000:.2f} ms "
          f"| {m['redis_seq'] * 1000:.2f} ms | {(m['redis_seq'] - m['embedded_seq']) * 1000:+.2f} ms | ≤ 5 ms |")


if __name__ == "__main__":
    asyncio.run(main())
