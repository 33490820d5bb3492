"""The JobBackend contract: every backend must pass these, through the interface only.

Add a backend by adding a factory to FACTORIES (an async callable taking tmp_path and
the fixture request, returning an unopened JobBackend). The Redis one runs against a
real redis-server (tests/jobs/conftest.py), each test under its own key prefix.
"""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from keroro_graph.errors import JobError, JobNotFoundError
from keroro_graph.jobs.backend import FINISHED, JobBackend, JobRecord, JobStatus
from keroro_graph.jobs.embedded import EmbeddedBackend
from keroro_graph.jobs.redis_backend import RedisStreamsBackend


async def _embedded(tmp_path: Path, _request: pytest.FixtureRequest) -> JobBackend:
    return EmbeddedBackend(tmp_path / "user" / "jobs.sqlite3")


async def _redis(_tmp_path: Path, request: pytest.FixtureRequest) -> JobBackend:
    server = request.getfixturevalue("redis_server")
    return RedisStreamsBackend(server.url, prefix=request.getfixturevalue("redis_prefix"))


FACTORIES: dict[str, Callable[[Path, pytest.FixtureRequest], Awaitable[JobBackend]]] = {
    "embedded": _embedded, "redis": _redis}


@pytest.fixture(params=sorted(FACTORIES))
async def backend(request: pytest.FixtureRequest, tmp_path: Path):
    store = await FACTORIES[request.param](tmp_path, request)
    await store.open()
    yield store
    await store.close()


def make_job(job_id: str | None = None, number: float = 0, **fields: Any) -> JobRecord:
    job_id = job_id or uuid.uuid4().hex
    prompt = {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}}
    return JobRecord(id=job_id, number=number, prompt=prompt, **fields)


async def submit_all(backend: JobBackend, *jobs: JobRecord) -> list[JobRecord]:
    for job in jobs:
        await backend.submit(job)
    return list(jobs)


async def drain(backend: JobBackend, worker_id: str = "w") -> list[str]:
    leased = []
    while (job := await backend.lease(worker_id)) is not None:
        leased.append(job.id)
    return leased


async def drain_some(backend: JobBackend, n: int) -> None:
    for _ in range(n):
        assert await backend.lease("w") is not None


async def finish_ok(backend: JobBackend, job_id: str) -> None:
    await backend.finish(job_id, JobStatus.SUCCESS, outputs={}, meta={}, messages=[])


async def test_submit_then_get_returns_the_same_record(backend: JobBackend) -> None:
    job = make_job("a", 3.5, client_id="c1", extra_data={"extra_pnginfo": {"w": 1}},
                   outputs_to_execute=["9"], node_errors={"7": {"errors": []}})
    await backend.submit(job)
    assert await backend.get("a") == job
    assert await backend.get("missing") is None


async def test_list_and_count_filter_by_status_with_limit_and_offset(backend: JobBackend) -> None:
    await submit_all(backend, *(make_job(f"j{i}", i) for i in range(5)))
    leased = await backend.lease("w")
    await finish_ok(backend, leased.id)
    assert await backend.count() == 5
    assert await backend.count([JobStatus.QUEUED]) == 4
    assert await backend.count(FINISHED) == 1
    assert await backend.count([]) == 0
    queued = [j.id for j in await backend.list(statuses=[JobStatus.QUEUED])]
    assert queued == ["j1", "j2", "j3", "j4"]
    page = await backend.list(statuses=[JobStatus.QUEUED], limit=2, offset=1)
    assert [j.id for j in page] == ["j2", "j3"]
    assert {j.id for j in await backend.list()} == {f"j{i}" for i in range(5)}
    assert [j.id for j in await backend.list(statuses=[JobStatus.SUCCESS])] == ["j0"]


async def test_lower_number_runs_first_and_equal_numbers_in_submission_order(
        backend: JobBackend) -> None:
    # Ids that sort the other way round, so ordering by id would be caught.
    await submit_all(backend, make_job("z", 2), make_job("y", 1), make_job("x", 1),
                     make_job("w", 0.5), make_job("v", 2))
    expected = ["w", "y", "x", "z", "v"]
    assert [j.id for j in await backend.list(statuses=[JobStatus.QUEUED])] == expected
    assert await drain(backend) == expected


async def test_fifo_holds_for_many_equal_numbers(backend: JobBackend) -> None:
    ids = [uuid.uuid4().hex for _ in range(30)]
    await submit_all(backend, *(make_job(i, 7) for i in ids))
    assert await drain(backend) == ids


async def test_negative_number_jumps_to_the_front(backend: JobBackend) -> None:
    await submit_all(backend, make_job("a", 1), make_job("b", 2))
    await backend.submit(make_job("urgent", -1))
    await backend.submit(make_job("more-urgent", -2))
    assert await drain(backend) == ["more-urgent", "urgent", "a", "b"]


async def test_lease_marks_the_job_running_for_that_worker(backend: JobBackend) -> None:
    assert await backend.lease("w1") is None
    await backend.submit(make_job("a"))
    job = await backend.lease("w1")
    assert job is not None and job.id == "a"
    assert job.status is JobStatus.RUNNING and job.worker_id == "w1"
    assert job.started_at is not None
    assert await backend.get("a") == job
    assert await backend.lease("w2") is None


async def test_concurrent_leasers_take_each_job_exactly_once(backend: JobBackend) -> None:
    await submit_all(backend, *(make_job(f"j{i}", i % 3) for i in range(50)))
    taken: list[tuple[str, str]] = []

    async def worker(worker_id: str) -> None:
        while (job := await backend.lease(worker_id)) is not None:
            taken.append((job.id, worker_id))
            await asyncio.sleep(0)

    await asyncio.gather(*(worker(f"w{n}") for n in range(20)))
    counts = Counter(job_id for job_id, _ in taken)
    assert sorted(counts) == sorted(f"j{i}" for i in range(50))
    assert set(counts.values()) == {1}
    for job_id, worker_id in taken:
        assert (await backend.get(job_id)).worker_id == worker_id


async def test_finish_round_trips_outputs_meta_messages_and_error(backend: JobBackend) -> None:
    await backend.submit(make_job("a"))
    await backend.lease("w")
    outputs = {"9": {"images": [{"filename": "a.png", "subfolder": "", "type": "output"}]}}
    meta = {"9": {"node_id": "9", "display_node": "9", "parent_node": None,
                  "real_node_id": "9"}}
    messages = [["execution_start", {"prompt_id": "a", "timestamp": 1}],
                ["execution_error", {"prompt_id": "a", "node_id": "9"}]]
    error = {"node_id": "9", "node_type": "SaveImage", "exception_type": "ValueError",
             "exception_message": "bad ünïcode ✓", "traceback": ["line 1", "line 2"]}
    await backend.finish("a", JobStatus.ERROR, outputs=outputs, meta=meta,
                         messages=messages, error=error)
    job = await backend.get("a")
    assert job.status is JobStatus.ERROR
    assert (job.outputs, job.meta, job.messages, job.error) == (outputs, meta, messages, error)
    assert job.finished_at is not None and job.finished_at >= job.started_at
    assert job.worker_id == "w"


async def test_a_listing_leaves_out_only_the_graph_sized_documents(backend: JobBackend) -> None:
    """``list(prompt=False)`` (what /api/runs and /api/jobs lists use) never reads the
    prompt, meta or outputs_to_execute; everything else is the full record's."""
    job = make_job("a")
    job.outputs_to_execute = ["9"]
    await backend.submit(job)
    await backend.lease("w")
    await backend.finish("a", JobStatus.SUCCESS, outputs={"9": {"text": ["hi"]}},
                         meta={"9": {"node_id": "9", "display_node": "9", "parent_node": None, "real_node_id": "9"}},
                         messages=[["execution_success", {"prompt_id": "a", "timestamp": 2}]])
    full = await backend.get("a")
    [listed] = await backend.list(prompt=False)
    assert full.prompt and full.meta and full.outputs_to_execute == ["9"]
    assert (listed.prompt, listed.meta, listed.outputs_to_execute) == ({}, {}, [])
    left_out = {"prompt", "meta", "outputs_to_execute"}
    assert listed.model_dump(exclude=left_out) == full.model_dump(exclude=left_out)
    assert (await backend.list())[0] == full


async def test_history_is_in_finish_order_and_newest_first_reverses_it(
        backend: JobBackend) -> None:
    await submit_all(backend, make_job("a"), make_job("b"), make_job("c"))
    await drain(backend)
    for job_id in ("b", "c", "a"):
        await finish_ok(backend, job_id)
    assert [j.id for j in await backend.list(statuses=FINISHED)] == ["b", "c", "a"]
    newest = await backend.list(statuses=FINISHED, newest_first=True, limit=2)
    assert [j.id for j in newest] == ["a", "c"]


async def test_a_big_prompt_round_trips(backend: JobBackend) -> None:
    prompt = {str(n): {"class_type": "ImageBlur",
                       "inputs": {"image": [str(n - 1), 0], "blur_radius": n % 31 + 1,
                                  "sigma": 1.5, "note": "x" * 60}}
              for n in range(1, 801)}
    job = JobRecord(id="big", number=0, prompt=prompt)
    assert len(job.model_dump_json()) > 100_000
    await backend.submit(job)
    assert (await backend.get("big")).prompt == prompt
    assert (await backend.lease("w")).prompt == prompt


async def test_cancel_in_every_state(backend: JobBackend) -> None:
    await submit_all(backend, make_job("run"), make_job("done"), make_job("wait"))
    await backend.lease("w")
    await backend.lease("w")
    await finish_ok(backend, "done")
    assert await backend.cancel("wait") is JobStatus.CANCELLED
    assert await backend.cancel("wait") is JobStatus.CANCELLED
    assert await backend.cancel("run") is JobStatus.RUNNING
    assert await backend.cancel("done") is JobStatus.SUCCESS
    assert await backend.cancel("missing") is None
    assert (await backend.get("run")).status is JobStatus.RUNNING
    assert (await backend.get("done")).status is JobStatus.SUCCESS
    cancelled = await backend.get("wait")
    assert cancelled.status is JobStatus.CANCELLED and cancelled.finished_at is not None
    assert [j.id for j in await backend.list(statuses=FINISHED)] == ["done", "wait"]
    assert await backend.lease("w") is None


async def test_delete_removes_queued_and_finished_but_never_running(backend: JobBackend) -> None:
    await submit_all(backend, make_job("run"), make_job("done"), make_job("wait"))
    await backend.lease("w")
    await backend.lease("w")
    await finish_ok(backend, "done")
    assert await backend.delete(["run", "done", "wait", "missing", "done"]) == 2
    assert [j.id for j in await backend.list()] == ["run"]
    assert await backend.delete([]) == 0


async def test_clear_never_removes_running_jobs(backend: JobBackend) -> None:
    await submit_all(backend, make_job("run"), make_job("done"), make_job("gone"),
                     make_job("wait"))
    await drain_some(backend, 3)
    await finish_ok(backend, "done")
    await backend.finish("gone", JobStatus.INTERRUPTED, outputs={}, meta={}, messages=[])
    assert await backend.clear([JobStatus.SUCCESS]) == 1
    assert await backend.clear([]) == 0
    assert await backend.clear(list(JobStatus)) == 2
    assert [j.id for j in await backend.list()] == ["run"]
    assert (await backend.get("run")).status is JobStatus.RUNNING


async def test_duplicate_submit_is_refused_in_every_state(backend: JobBackend) -> None:
    await backend.submit(make_job("a", 1))
    with pytest.raises(JobError):
        await backend.submit(make_job("a", 2))
    await backend.lease("w")
    with pytest.raises(JobError):
        await backend.submit(make_job("a"))
    await finish_ok(backend, "a")
    with pytest.raises(JobError):
        await backend.submit(make_job("a"))
    job = await backend.get("a")
    assert job.status is JobStatus.SUCCESS and job.number == 1


async def test_submit_refuses_a_job_that_is_not_queued(backend: JobBackend) -> None:
    with pytest.raises(JobError):
        await backend.submit(make_job("a", status=JobStatus.SUCCESS))
    assert await backend.get("a") is None


async def test_finishing_a_job_that_is_not_running_is_refused(backend: JobBackend) -> None:
    await submit_all(backend, make_job("queued"), make_job("done", -1))
    await backend.lease("w")
    await finish_ok(backend, "done")
    with pytest.raises(JobError):
        await finish_ok(backend, "queued")
    with pytest.raises(JobError):
        await backend.finish("done", JobStatus.ERROR, outputs={}, meta={}, messages=[])
    with pytest.raises(JobNotFoundError):
        await finish_ok(backend, "missing")
    assert (await backend.get("queued")).status is JobStatus.QUEUED
    assert (await backend.get("done")).status is JobStatus.SUCCESS


async def test_heartbeat_keeps_only_the_leaseholders_job(backend: JobBackend) -> None:
    await backend.submit(make_job("a"))
    await backend.lease("w1")
    await backend.heartbeat("a", "w1")
    with pytest.raises(JobError):
        await backend.heartbeat("a", "w2")
    with pytest.raises(JobNotFoundError):
        await backend.heartbeat("missing", "w1")
    assert (await backend.get("a")).status is JobStatus.RUNNING


async def test_wait_for_work_times_out_on_an_empty_queue(backend: JobBackend) -> None:
    assert await backend.lease("w") is None
    await backend.wait_for_work(0.05)


async def test_wait_for_work_wakes_on_submit(backend: JobBackend) -> None:
    assert await backend.lease("w") is None
    waiter = asyncio.create_task(backend.wait_for_work(60))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await backend.submit(make_job("a"))
    await asyncio.wait_for(waiter, 10)
    assert (await backend.lease("w")).id == "a"


async def test_wait_for_work_sees_a_submit_between_failed_lease_and_wait(
        backend: JobBackend) -> None:
    assert await backend.lease("w") is None
    await backend.submit(make_job("a"))
    await asyncio.wait_for(backend.wait_for_work(60), 10)


async def test_idle_workers_all_wake_and_share_the_work(backend: JobBackend) -> None:
    done: list[str] = []
    all_done = asyncio.Event()

    async def worker(worker_id: str) -> None:
        while True:
            job = await backend.lease(worker_id)
            if job is None:
                await backend.wait_for_work(60)
                continue
            await finish_ok(backend, job.id)
            done.append(job.id)
            if len(done) == 3:
                all_done.set()

    workers = [asyncio.create_task(worker(f"w{n}")) for n in range(4)]
    await asyncio.sleep(0.05)
    await submit_all(backend, make_job("a"), make_job("b"), make_job("c"))
    try:
        await asyncio.wait_for(all_done.wait(), 10)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    assert sorted(done) == ["a", "b", "c"]


async def test_status_is_the_cheap_view_of_get(backend):
    await backend.submit(JobRecord(id="s1", number=0, prompt={"1": {"class_type": "X", "inputs": {}}}))
    assert await backend.status("s1") is JobStatus.QUEUED
    assert await backend.status("missing") is None
    await backend.lease("w")
    assert await backend.status("s1") is JobStatus.RUNNING == (await backend.get("s1")).status
