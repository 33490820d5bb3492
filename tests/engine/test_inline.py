"""Cheap sync nodes run on the event loop instead of the thread pool (engine/inline.py):
only after their class was fast in the pool, only with plain inputs and outputs, and a
class that turns out slow on the loop goes back to the pool."""
from __future__ import annotations

import gc
import threading

import pytest

from keroro_graph.engine.events import NodeText
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import run_graph, until

LOOP = threading.current_thread().name


@pytest.fixture(autouse=True)
def no_gc():
    """A garbage collection can take milliseconds of CPU inside any call; these tests
    count which calls were slow, so none may happen while they run."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def where_chain(n: int, start: int = 0, **per_node: dict[str, object]) -> dict[str, object]:
    graph: dict[str, object] = {"0": {"class_type": "TestConst", "inputs": {"value": start}}}
    for i in range(1, n + 1):
        inputs = {"a": [str(i - 1), 0], **per_node.get(f"n{i}", {})}
        graph[str(i)] = {"class_type": "TestWhere", "inputs": inputs}
    graph["out"] = {"class_type": "TestOutput", "inputs": {"source": [str(n), 0]}}
    return graph


def threads(recorder, job_id: str) -> list[str]:
    """The thread each TestWhere node ran on, in chain order."""
    said = {e.node_id: e.text for e in recorder.of(NodeText, job_id)}
    return [said[str(i)] for i in range(1, len(said) + 1)]


async def test_a_fast_plain_node_moves_onto_the_loop_after_three_pool_runs(runtime, recorder):
    record = await run_graph(runtime, where_chain(12, start=5))
    assert record.status is JobStatus.SUCCESS and record.outputs == {"out": {"text": ["17"]}}
    ran = threads(recorder, record.id)
    assert all(name.startswith("keroro-node") for name in ran[:3]), ran
    assert ran[3:] == [LOOP] * 9


async def test_a_node_slow_on_the_loop_goes_back_to_the_pool(runtime, recorder):
    await run_graph(runtime, where_chain(4, start=100))  # earns its place on the loop
    record = await run_graph(runtime, where_chain(8, start=200, n2={"busy_ms": 5}))
    ran = threads(recorder, record.id)
    assert ran[:2] == [LOOP, LOOP]  # the slow call ran on the loop once: it is measured there
    assert all(name.startswith("keroro-node") for name in ran[2:5]), ran  # probation again
    assert ran[5:] == [LOOP] * 3


async def test_a_node_often_slow_on_the_loop_stays_in_the_pool(runtime, recorder):
    slow = {f"n{i}": {"busy_ms": 5} for i in (4, 8, 12)}
    await run_graph(runtime, where_chain(12, start=300, **slow))
    record = await run_graph(runtime, where_chain(6, start=400))
    assert all(name.startswith("keroro-node") for name in threads(recorder, record.id))


async def test_a_packs_node_not_declared_cheap_stays_in_the_pool(runtime, recorder):
    graph = where_chain(8, start=1000)
    for i in range(1, 9):
        graph[str(i)]["class_type"] = "TestWhereUndeclared"
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS and record.outputs == {"out": {"text": ["1008"]}}
    ran = threads(recorder, record.id)
    assert len(ran) == 8 and all(name.startswith("keroro-node") for name in ran), ran


async def test_large_text_inputs_keep_a_node_in_the_pool(runtime, recorder):
    await run_graph(runtime, where_chain(4, start=500))
    record = await run_graph(runtime, where_chain(3, start=600, n2={"note": "x" * 70_000}))
    assert threads(recorder, record.id) == [LOOP, threads(recorder, record.id)[1], LOOP]
    assert threads(recorder, record.id)[1].startswith("keroro-node")


async def test_a_failure_on_the_loop_is_reported_like_one_in_the_pool(runtime, recorder):
    await run_graph(runtime, where_chain(4, start=700))
    record = await run_graph(runtime, where_chain(5, start=-3))
    assert record.status is JobStatus.ERROR
    assert record.error["node_id"] == "1" and record.error["exception_type"] == "ValueError"
    assert record.error["exception_message"] == "a is -3" and record.error["current_inputs"]["a"] == ["-3"]
    assert threads(recorder, record.id) == [LOOP]


async def test_a_long_chain_on_the_loop_can_still_be_interrupted(runtime, recorder):
    await run_graph(runtime, where_chain(4, start=800))
    submitted = await runtime.jobs.submit(where_chain(3000, start=900))
    job = submitted.prompt_id
    await until(lambda: len(recorder.of(NodeText, job)) >= 50)
    assert runtime.jobs.interrupt(job) == [job]
    record = await runtime.jobs.wait(job, timeout_s=30)
    assert record.status is JobStatus.INTERRUPTED
    assert 50 <= len(recorder.of(NodeText, job)) < 3000
    assert set(threads(recorder, job)) == {LOOP}
