"""Wire rendering benchmark (issue 16): what ComfyUI's message set costs per job, on the
event path (jobs/wire.py renders, server/messages.py frames) and when a job is recorded
(history messages and meta). An 800-node chain's events: a start, 800 NodeStarted and
NodeFinished (the last with a ui output), the ending, the queue status and JobRecorded.

    .venv/bin/python bench/wire_bench.py [--rounds 60]
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keroro_graph.engine import events as ev  # noqa: E402
from keroro_graph.engine.run import NodeOrigin, RunResult  # noqa: E402
from keroro_graph.jobs import wire  # noqa: E402
from keroro_graph.server import messages  # noqa: E402

NODES = 800


def chain_events(n: int = NODES) -> list[ev.Event]:
    out: list[ev.Event] = [ev.JobStarted(job_id="j"), ev.NodesCached(job_id="j", node_ids=())]
    for i in range(n):
        out.append(ev.NodeStarted(job_id="j", node_id=str(i), display_node_id=str(i), class_type="TestAdd"))
        out.append(ev.NodeFinished(job_id="j", node_id=str(i), display_node_id=str(i), class_type="TestAdd",
                                   ui={"text": ["x"]} if i == n - 1 else None))
    return out + [ev.JobSucceeded(job_id="j"), ev.QueueChanged(job_id="", queue_remaining=0),
                  ev.JobRecorded(job_id="j", status="success")]


def chain_result(n: int = NODES) -> RunResult:
    ids = [str(i) for i in range(n)]
    return RunResult(status="success", ui={ids[-1]: {"text": ["x"]}},
                     meta={ids[-1]: NodeOrigin(display_node=ids[-1], parent_node=None, real_node_id=ids[-1])},
                     executed=ids, cached=[], started_ms=1, finished_ms=2)


def timed_ms(fn: object, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    rounds = parser.parse_args().rounds
    events, result = chain_events(), chain_result()
    socket = timed_ms(lambda: [messages.translate(e) for e in events], rounds)
    history = timed_ms(lambda: (wire.history_messages("j", result), wire.history_meta(result)), rounds)
    print(f"Wire rendering — {platform.machine()}, Python {platform.python_version()}, median of {rounds}")
    print(f"| {NODES}-node chain: {len(events)} events -> WebSocket text frames | {socket:.2f} ms |")
    print(f"| {NODES}-node chain: history messages + meta | {history * 1000:.1f} µs |")


if __name__ == "__main__":
    main()
