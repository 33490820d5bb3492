"""A large run (LARGE_PLAN nodes or more; shrunk here) gives the event loop back while
it starts and ends: its demand walk and cache lookups go in slices, its summary is made
in a thread. It must mean exactly what a small run means: the same nodes run, the same
outputs, the same cache hits on a rerun, and an interrupt during the walk ends it."""
from __future__ import annotations

import pytest

from keroro_graph.engine import execution, plan, scheduler
from keroro_graph.engine.events import JobInterrupted, JobStarted, NodesCached, NodeStarted
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import chain, run_graph


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan, "LARGE_PLAN", 10)
    monkeypatch.setattr(scheduler, "_DEMAND_SLICE", 7)
    monkeypatch.setattr(execution, "_CACHED_SLICE", 5)


def wide(n: int) -> dict:
    graph: dict = {}
    for i in range(n):
        graph[f"c{i}"] = {"class_type": "TestConst", "inputs": {"value": i}}
        graph[f"o{i}"] = {"class_type": "TestOutput", "inputs": {"source": [f"c{i}", 0]}}
    return graph


async def test_a_large_run_runs_what_a_small_one_runs(runtime, recorder, large):
    record = await run_graph(runtime, chain(50, start=7))
    assert record.status is JobStatus.SUCCESS and record.outputs == {"out": {"text": ["57"]}}
    assert len([e for e in recorder.of(NodeStarted, record.id)]) == 52
    rerun = await run_graph(runtime, chain(50, start=7))
    assert set(recorder.of(NodesCached, rerun.id)[0].node_ids) == set(chain(50))
    assert recorder.of(NodeStarted, rerun.id) == [] and rerun.outputs == record.outputs


async def test_a_large_run_with_many_outputs_reports_each(runtime, large):
    record = await run_graph(runtime, wide(40))
    assert record.status is JobStatus.SUCCESS
    assert record.outputs == {f"o{i}": {"text": [str(i)]} for i in range(40)}


async def test_an_interrupt_while_a_large_run_starts_ends_it(runtime, recorder, large):
    def on_event(event):  # the run has begun; its plan and demand walk are still to come
        if isinstance(event, JobStarted):
            runtime.jobs.interrupt(event.job_id)
    runtime.bus.subscribe(on_event)
    record = await run_graph(runtime, wide(40))
    assert record.status is JobStatus.INTERRUPTED
    assert recorder.of(JobInterrupted, record.id) and recorder.of(NodeStarted, record.id) == []
