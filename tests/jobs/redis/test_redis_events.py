"""Job events and interrupts across processes: the event codec, and two runtimes on one
Redis queue (in this process, each with its own bus, engine and relay) standing for a
worker and a server on different machines."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import pytest

from keroro_graph.engine import events as ev
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.jobs.embedded import EmbeddedBackend
from keroro_graph.jobs.redis_backend import RedisStreamsBackend
from keroro_graph.jobs.redis_events import EVENT_TYPES, decode_event, encode_event
from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime, build_runtime
from keroro_graph.settings import Settings
from tests.conftest import Recorder, chain, until
from tests.jobs.redis_server import RedisServer

SAMPLES: list[ev.Event] = [
    ev.JobQueued(job_id="j", number=-2.5), ev.JobStarted(job_id="j", client_id="c"),
    ev.JobStarted(job_id="j"), ev.NodesCached(job_id="j", node_ids=("1", "2")),
    ev.NodeStarted(job_id="j", node_id="3", display_node_id="3", class_type="TestAdd"),
    ev.NodeProgress(job_id="j", node_id="3", value=2.0, max=5.0),
    ev.NodePreview(job_id="j", node_id="3", image_format="PNG", data=b"\x89PNG\x00\xff"),
    ev.NodeText(job_id="j", node_id="3", text="ünïcode ✓"),
    ev.NodeFinished(job_id="j", node_id="3", display_node_id="3", class_type="TestOutput",
                    ui={"text": ["4"]}, cached=True),
    ev.NodeBlocked(job_id="j", node_id="4", class_type="X", message="blocked"),
    ev.NodeStored(job_id="j", node_id="6", class_type="KlingTextToVideo", items=2, total=3),
    ev.PaidCallMade(job_id="j", node_id="6", class_type="KlingTextToVideo", item=1, total=3,
                    inputs={"model": "kling-v2-1", "n": 2}, usage={"tokens": 5}),
    ev.ItemFailed(job_id="j", node_id="6", class_type="KlingTextToVideo", item=0, total=3, message="item 1 of 3"),
    ev.JobSucceeded(job_id="j"),
    ev.JobFailed(job_id="j", node_id="5", class_type="TestFail", exception_type="RuntimeError",
                 message="boom", traceback=("a", "b"), executed=("1",), current_inputs={"v": [1]}),
    ev.JobInterrupted(job_id="j", node_id=None, class_type=None, executed=("1", "2")),
    ev.JobCancelled(job_id="j"), ev.JobRecorded(job_id="j", status="success"),
    ev.QueueChanged(job_id="", queue_remaining=3),
]


def test_every_event_type_round_trips_through_the_codec() -> None:
    assert {type(e).__name__ for e in SAMPLES} == set(EVENT_TYPES)
    for event in SAMPLES:
        assert decode_event(encode_event(event, "me")) == ("me", event)


def test_unknown_or_malformed_messages_are_dropped() -> None:
    assert decode_event('{"o": "x", "t": "NodeExploded", "f": {}}') is None
    assert decode_event("not json") is None
    assert decode_event('{"o": "x", "t": "NodeText", "f": {"job_id": "j"}}') is None


Start = Callable[..., Any]


@pytest.fixture
async def start(tmp_path: Path, registry: Registry, redis_server: RedisServer,
                redis_prefix: str) -> AsyncIterator[Start]:
    """Start runtimes on one queue; each gets a Recorder on its bus as ``.recorder``."""
    started: list[Runtime] = []

    async def start_one(name: str, **settings: Any) -> Runtime:
        url = f"{redis_server.url}?prefix={redis_prefix}&claim_idle_s=5"
        rt = build_runtime(Settings(user_dir=tmp_path / name, queue_url=url, **settings), registry=registry)
        rt.recorder = Recorder()  # type: ignore[attr-defined]
        rt.bus.subscribe(rt.recorder)  # type: ignore[attr-defined]
        await rt.start()
        started.append(rt)
        return rt
    yield start_one
    for rt in reversed(started):
        await rt.close()


def sleepy(seconds: float) -> dict[str, Any]:
    graph = chain(2)
    graph["s"] = {"class_type": "TestSleep", "inputs": {"value": ["2", 0], "seconds": seconds}}
    graph["out"]["inputs"]["source"] = ["s", 0]
    return graph


async def test_a_remote_jobs_events_arrive_in_the_same_order_and_shape(start: Start) -> None:
    worker = await start("worker", max_jobs=1)
    server = await start("server", run_workers=False)
    submitted = await worker.jobs.submit(sleepy(0.05), client_id="browser")
    record = await server.jobs.wait(submitted.prompt_id, timeout_s=10)  # via the relayed JobRecorded
    assert record.status is JobStatus.SUCCESS
    local = worker.recorder.of(ev.Event, submitted.prompt_id)
    await until(lambda: len(server.recorder.of(ev.Event, submitted.prompt_id)) == len(local))
    remote = server.recorder.of(ev.Event, submitted.prompt_id)
    assert remote == local  # every field, timestamps included, in the same order
    kinds = [type(e).__name__ for e in remote]
    assert kinds[:2] == ["JobQueued", "QueueChanged"] and kinds[-1] == "JobRecorded"
    assert {"NodeStarted", "NodeFinished", "JobSucceeded"} <= set(kinds)
    assert server.recorder.of(ev.JobStarted)[0].client_id == "browser"


async def test_a_server_without_workers_queues_and_a_worker_runs(start: Start) -> None:
    server = await start("server", run_workers=False)
    worker = await start("worker", max_jobs=2)
    assert isinstance(server.jobs.backend, RedisStreamsBackend) and server.jobs.workers_alive == 0
    submitted = await server.jobs.submit(chain(3), client_id="c")
    record = await server.jobs.wait(submitted.prompt_id, timeout_s=10)
    assert record.status is JobStatus.SUCCESS
    assert record.worker_id.startswith(worker.jobs.worker_id)
    assert record.outputs["out"] == {"text": ["4"]}
    # the server's own events went out too, once, and nothing came back as an echo
    assert len(server.recorder.of(ev.JobQueued)) == 1 and len(worker.recorder.of(ev.JobQueued)) == 1
    assert len(server.recorder.of(ev.JobRecorded)) == 1
    await asyncio.sleep(0.1)
    assert len(worker.recorder.of(ev.JobRecorded)) == 1


async def test_cancel_on_a_server_interrupts_the_job_on_the_worker(start: Start) -> None:
    worker = await start("worker", max_jobs=1)
    server = await start("server", run_workers=False)
    submitted = await server.jobs.submit(sleepy(60))
    await until(lambda: server.recorder.of(ev.NodeStarted, submitted.prompt_id)
                and server.recorder.of(ev.NodeStarted, submitted.prompt_id)[-1].class_type == "TestSleep")
    assert await server.jobs.cancel(submitted.prompt_id) is JobStatus.RUNNING
    record = await server.jobs.wait(submitted.prompt_id, timeout_s=10)
    assert record.status is JobStatus.INTERRUPTED
    assert worker.jobs.running_ids == []


async def test_interrupt_by_id_reaches_the_worker_too(start: Start) -> None:
    worker = await start("worker", max_jobs=1)
    server = await start("server", run_workers=False)
    submitted = await server.jobs.submit(sleepy(60))
    await until(lambda: submitted.prompt_id in worker.jobs.running_ids)
    assert server.jobs.interrupt(submitted.prompt_id) == []  # not here; passed on
    assert (await server.jobs.wait(submitted.prompt_id, timeout_s=10)).status is JobStatus.INTERRUPTED


def test_without_a_queue_url_nothing_changes(tmp_path: Path, registry: Registry) -> None:
    rt = build_runtime(Settings(user_dir=tmp_path / "u"), registry=registry)
    assert isinstance(rt.jobs.backend, EmbeddedBackend) and rt.relay is None
    assert rt.jobs.run_workers and rt.jobs.remote_interrupt is None


def test_the_queue_setting_comes_from_the_environment() -> None:
    settings = Settings.from_env({"KERORO_QUEUE": "redis://h:1/0?prefix=x"})
    assert settings.queue_url == "redis://h:1/0?prefix=x"
    assert "redis://" not in repr(settings)  # it may hold a password
