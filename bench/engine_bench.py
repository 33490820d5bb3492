"""Engine benchmarks (issue #2): long chains, wide graphs, cached re-runs, concurrent
async and sync nodes, and the cache's byte budget.

Every scenario goes through the same path a user's job takes in-process —
``JobService.submit`` (validation, the SQLite queue) → a worker → the engine → the
job record — and is timed from submit to the finished record. Scenarios take a
``Runner`` so the same graphs can later be driven over HTTP.

    .venv/bin/python bench/engine_bench.py            # print the figures
    .venv/bin/python bench/engine_bench.py --quick    # fewer repetitions
"""
from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keroro_graph.runtime import Runtime, build_runtime  # noqa: E402
from keroro_graph.settings import Settings  # noqa: E402

FIXTURE_PACKS = ROOT / "tests" / "fixtures" / "custom_nodes"
Runner = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


# --- graphs --------------------------------------------------------------------------

def int_chain(n: int, start: int) -> dict[str, Any]:
    """A constant, then n trivial integer-math nodes, then one PreviewAny (ComfyUI's
    measured shape)."""
    graph: dict[str, Any] = {"0": {"class_type": "PrimitiveInt", "inputs": {"value": start}}}
    for i in range(1, n + 1):
        graph[str(i)] = {"class_type": "IntMath", "inputs": {"a": [str(i - 1), 0], "b": 1, "op": "add"}}
    graph["out"] = {"class_type": "PreviewAny", "inputs": {"source": [str(n), 0]}}
    return graph


def wide(n_nodes: int, start: int) -> dict[str, Any]:
    """n/2 independent constant → PreviewAny pairs."""
    graph: dict[str, Any] = {}
    for i in range(n_nodes // 2):
        graph[f"c{i}"] = {"class_type": "PrimitiveInt", "inputs": {"value": start + i}}
        graph[f"o{i}"] = {"class_type": "PreviewAny", "inputs": {"source": [f"c{i}", 0]}}
    return graph


def fan(count: int, class_type: str, seconds: float, start: int) -> dict[str, Any]:
    graph: dict[str, Any] = {"c": {"class_type": "PrimitiveInt", "inputs": {"value": start}}}
    for i in range(count):
        graph[f"s{i}"] = {"class_type": class_type, "inputs": {"value": ["c", 0], "seconds": seconds + i * 1e-6}}
        graph[f"o{i}"] = {"class_type": "PreviewAny", "inputs": {"source": [f"s{i}", 0]}}
    return graph


# --- measuring -----------------------------------------------------------------------

async def timed(run: Runner, graph: dict[str, Any]) -> float:
    started = time.perf_counter()
    record = await run(graph)
    elapsed = time.perf_counter() - started
    if record["status"] != "success":
        raise SystemExit(f"benchmark job failed: {record.get('error')}")
    return elapsed


def in_process_runner(rt: Runtime) -> Runner:
    async def run(graph: dict[str, Any]) -> dict[str, Any]:
        submitted = await rt.jobs.submit(graph)
        if not submitted.accepted:
            raise SystemExit(f"benchmark graph rejected: {submitted.as_json()}")
        record = await rt.jobs.wait(submitted.prompt_id, timeout_s=600)
        return {"status": record.status.value, "error": record.error}
    return run


async def scenarios(run: Runner, reps: int, rt: Runtime | None) -> list[tuple[str, float, str, str]]:
    rows: list[tuple[str, float, str, str]] = []
    seed = iter(range(1_000_000, 2_000_000, 1000))

    async def best(make: Callable[[int], dict[str, Any]], times: int = reps) -> float:
        return min([await timed(run, make(next(seed))) for _ in range(times)])

    chain_800 = await best(lambda s: int_chain(800, s))
    rows.append(("800-node chain, first run", chain_800, "≤ 0.3 s", "42 s"))
    graph = int_chain(800, next(seed))
    await timed(run, graph)
    cached = statistics.median([await timed(run, graph) for _ in range(max(reps, 5))])
    rows.append(("800-node chain, fully cached re-run", cached, "≤ 30 ms", "23 s"))
    for n in (2_500, 5_000, 10_000):
        took = await best(lambda s: int_chain(n, s), times=1 if n > 2_500 else reps)
        target = "≤ 4 s" if n == 10_000 else "linear"
        rows.append((f"{n:,}-node chain, first run ({took / n * 1e6:.0f} µs/node)", took, target, "—"))
    rows.append(("800 independent nodes", await best(lambda s: wide(800, s)), "≤ 0.3 s", "14 s"))
    rows.append(("800 independent nodes, cached re-run", await _cached(run, wide(800, next(seed)), reps), "—", "1.9 s"))
    rows.append(("50 async nodes sleeping 1 s each", await best(lambda s: fan(50, "TestSleep", 1.0, s), times=2),
                 "≤ 1.2 s", "—"))
    rows.append(("8 sync nodes sleeping 0.25 s each", await best(lambda s: fan(8, "TestSleepSync", 0.25, s)),
                 "≤ 0.6 s", "—"))
    if rt is not None:
        rows.append(await _budget(run, rt, seed))
    return rows


async def _cached(run: Runner, graph: dict[str, Any], reps: int) -> float:
    await timed(run, graph)
    return statistics.median([await timed(run, graph) for _ in range(max(reps, 5))])


async def _budget(run: Runner, rt: Runtime, seed: Any) -> tuple[str, float, str, str]:
    budget = rt.engine.cache.max_bytes
    peak = 0

    def watch(_event: Any) -> None:
        nonlocal peak
        peak = max(peak, rt.engine.cache.bytes)
    unsubscribe = rt.bus.subscribe(watch)
    for _ in range(12):
        s = next(seed)
        await timed(run, {"b": {"class_type": "TestBig", "inputs": {"megabytes": 32, "seed": s % 10**9}},
                          "o": {"class_type": "PreviewAny", "inputs": {"source": ["b", 0]}}})
    unsubscribe()
    return (f"cache peak / budget over 12 × 32 MiB outputs ({peak / 2**20:.0f} / {budget / 2**20:.0f} MiB, "
            f"{rt.engine.cache.evictions} evictions)", peak / budget, "≤ 1.0", "—")


def print_rows(rows: list[tuple[str, float, str, str]]) -> None:
    print(f"\nKeroro Graph engine benchmark — {time.strftime('%Y-%m-%d')} — "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| scenario | ours | target | ComfyUI 0.3.64 |\n| --- | --- | --- | --- |")
    for name, value, target, comfy in rows:
        shown = f"{value:.2f}" if "peak" in name else (f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s")
        print(f"| {name} | {shown} | {target} | {comfy} |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition per scenario")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(user_dir=Path(tmp), custom_nodes_dirs=[FIXTURE_PACKS],
                            cache_bytes=256 * 1024**2)
        async with build_runtime(settings) as rt:
            rows = await scenarios(in_process_runner(rt), 1 if args.quick else 3, rt)
    print_rows(rows)


if __name__ == "__main__":
    asyncio.run(main())
