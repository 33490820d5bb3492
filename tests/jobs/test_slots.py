"""Job slots bound CPU work, not waiting: a job that only waits on async nodes (provider
I/O) gives its slot back, so many such jobs wait at once, while sync nodes never run in
more jobs at once than ``max_jobs``; ``max_waiting_jobs`` caps the jobs running beyond
the slots, and 0 brings back one slot per running job."""
from __future__ import annotations

import asyncio
from typing import Any

from keroro_graph.engine.events import Event, JobRecorded, JobStarted, NodeFinished, NodeStarted
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.registry.registry import Registry
from keroro_graph.runtime import build_runtime
from keroro_graph.settings import Settings


def job(value: int, *, sleep: float = 0.0, busy: float = 0.0) -> dict[str, Any]:
    """TestConst → [TestSleep (async wait)] → [TestSleepSync (a pool thread)] → TestOutput."""
    graph: dict[str, Any] = {"c": {"class_type": "TestConst", "inputs": {"value": value}}}
    last = "c"
    if sleep:
        graph["s"] = {"class_type": "TestSleep", "inputs": {"value": [last, 0], "seconds": sleep}}
        last = "s"
    if busy:
        graph["b"] = {"class_type": "TestSleepSync", "inputs": {"value": [last, 0], "seconds": busy}}
        last = "b"
    graph["o"] = {"class_type": "TestOutput", "inputs": {"source": [last, 0]}}
    return graph


class Concurrency:
    """Peak number of jobs running at once and of sync nodes running at once."""

    def __init__(self) -> None:
        self.jobs = self.peak_jobs = 0
        self.busy = self.peak_busy = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, JobStarted):
            self.jobs += 1
            self.peak_jobs = max(self.peak_jobs, self.jobs)
        elif isinstance(event, JobRecorded):
            self.jobs -= 1
        elif isinstance(event, NodeStarted) and event.class_type == "TestSleepSync":
            self.busy += 1
            self.peak_busy = max(self.peak_busy, self.busy)
        elif isinstance(event, NodeFinished) and event.class_type == "TestSleepSync":
            self.busy -= 1


async def run_all(settings: Settings, registry: Registry, graphs: list[dict[str, Any]]) -> Concurrency:
    seen = Concurrency()
    rt = build_runtime(settings, registry=registry)
    rt.bus.subscribe(seen)
    async with rt:
        submitted = [await rt.jobs.submit(g) for g in graphs]
        records = await asyncio.gather(*(rt.jobs.wait(s.prompt_id, timeout_s=30) for s in submitted))
    assert [r.status for r in records] == [JobStatus.SUCCESS] * len(graphs)
    return seen


async def test_jobs_waiting_on_providers_do_not_hold_slots(settings: Settings, registry: Registry) -> None:
    settings = settings.model_copy(update={"max_jobs": 1, "max_waiting_jobs": 20})
    seen = await run_all(settings, registry, [job(i, sleep=0.5) for i in range(8)])
    assert seen.peak_jobs == 8  # all eight waited together on one slot


async def test_cpu_work_stays_within_the_slots(settings: Settings, registry: Registry) -> None:
    settings = settings.model_copy(update={"max_jobs": 2, "max_waiting_jobs": 20})
    # each job waits, then takes its slot back for a sync node: never more than 2 at once
    seen = await run_all(settings, registry, [job(i, sleep=0.2, busy=0.1) for i in range(6)])
    assert seen.peak_busy == 2
    assert seen.peak_jobs > 2


async def test_max_waiting_jobs_caps_jobs_beyond_the_slots(settings: Settings, registry: Registry) -> None:
    settings = settings.model_copy(update={"max_jobs": 1, "max_waiting_jobs": 2})
    seen = await run_all(settings, registry, [job(i, sleep=0.3) for i in range(6)])
    assert seen.peak_jobs == 3


async def test_zero_waiting_jobs_gives_one_slot_per_running_job(settings: Settings, registry: Registry) -> None:
    settings = settings.model_copy(update={"max_jobs": 1, "max_waiting_jobs": 0})
    seen = await run_all(settings, registry, [job(i, sleep=0.1) for i in range(3)])
    assert seen.peak_jobs == 1


async def test_a_new_job_wakes_one_idle_worker_not_all(settings: Settings, registry: Registry) -> None:
    """Idle workers queue for their turn to lease: a job submitted to four idle workers
    costs one lease that finds it and at most one that finds the queue empty, instead
    of every worker waking and asking."""
    rt = build_runtime(settings.model_copy(update={"max_jobs": 4}), registry=registry)
    async with rt:
        leases = 0
        lease = rt.jobs.backend.lease

        async def counted(worker_id: str) -> Any:
            nonlocal leases
            leases += 1
            return await lease(worker_id)
        rt.jobs.backend.lease = counted  # type: ignore[method-assign]
        await asyncio.sleep(0.05)
        for value in range(5):
            leases = 0
            submitted = await rt.jobs.submit(job(value))
            assert (await rt.jobs.wait(submitted.prompt_id, timeout_s=10)).status is JobStatus.SUCCESS
            await asyncio.sleep(0.02)
            assert 1 <= leases <= 2
