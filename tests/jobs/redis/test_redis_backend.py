"""RedisStreamsBackend: what only a store shared by many processes can show — leases
taken over after a worker goes quiet, heartbeats that prevent it, poison jobs in the
dead-letter stream, several backends on one queue, and a Redis restart with the
append-only file on. (The JobBackend contract itself runs in test_backend_contract.py.)"""
from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path
from typing import AsyncIterator, Callable

import pytest

from keroro_graph.errors import JobError
from keroro_graph.jobs.backend import JobRecord, JobStatus
from keroro_graph.jobs.redis_backend import RedisStreamsBackend, split_queue_url
from tests.jobs.redis_server import RedisServer

Factory = Callable[..., RedisStreamsBackend]


def make_job(job_id: str, number: float = 0) -> JobRecord:
    return JobRecord(id=job_id, number=number,
                     prompt={"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}})


@pytest.fixture
async def backends(redis_server: RedisServer, redis_prefix: str) -> AsyncIterator[Factory]:
    """Opened backends on one queue, each as if in its own process (own consumer)."""
    opened: list[RedisStreamsBackend] = []

    async def open_one(**options: object) -> RedisStreamsBackend:
        store = RedisStreamsBackend(redis_server.url, prefix=redis_prefix, **options)
        await store.open()
        opened.append(store)
        return store
    yield open_one
    for store in opened:
        await store.close()


async def abandon(store: RedisStreamsBackend) -> None:
    """What kill -9 leaves behind: the lease stays in Redis, nobody heartbeats it."""
    for task in store._tasks:
        task.cancel()
    await asyncio.gather(*store._tasks, return_exceptions=True)
    store._tasks, store._held = [], {}


async def test_a_quiet_workers_job_is_taken_over_after_the_idle_time(backends: Factory) -> None:
    dead = await backends(claim_idle_s=1.0, consumer="dead")
    alive = await backends(claim_idle_s=1.0, consumer="alive")
    await dead.submit(make_job("a"))
    await dead.submit(make_job("b", 1))
    assert (await dead.lease("dead/0")).id == "a"
    await abandon(dead)
    assert (await alive.lease("alive/0")).id == "b"  # not idle long enough yet: queue first
    await asyncio.sleep(1.1)
    taken = await alive.lease("alive/1")
    assert taken is not None and taken.id == "a"
    assert taken.status is JobStatus.RUNNING and taken.worker_id == "alive/1"
    with pytest.raises(JobError):
        await dead.heartbeat("a", "dead/0")  # the old lease is gone for good
    await alive.finish("a", JobStatus.SUCCESS, outputs={}, meta={}, messages=[])
    assert (await alive.get("a")).status is JobStatus.SUCCESS
    await asyncio.sleep(1.1)
    assert await alive.lease("alive/0") is None  # finished jobs are never taken over


async def test_heartbeats_keep_a_live_workers_job(backends: Factory) -> None:
    busy = await backends(claim_idle_s=1.0)
    other = await backends(claim_idle_s=1.0)
    await busy.submit(make_job("a"))
    await busy.lease("busy/0")
    for _ in range(8):  # 2 s in all, twice the idle time, with the keeper running
        await asyncio.sleep(0.25)
        assert await other.lease("other/0") is None
    assert (await other.get("a")).worker_id == "busy/0"


async def test_a_poison_job_lands_in_the_dead_letter_stream(backends: Factory) -> None:
    first = await backends(claim_idle_s=0.1, max_deliveries=2)
    await first.submit(make_job("poison"))
    await first.submit(make_job("fine", 5))
    assert (await first.lease("w1")).id == "poison"
    await abandon(first)
    await asyncio.sleep(0.15)
    second = await backends(claim_idle_s=0.1, max_deliveries=2)
    again = await second.lease("w2")
    assert again.id == "poison"
    await abandon(second)
    await asyncio.sleep(0.15)
    third = await backends(claim_idle_s=0.1, max_deliveries=2)
    assert (await third.lease("w3")).id == "fine"  # poison was buried on the way
    record = await third.get("poison")
    assert record.status is JobStatus.ERROR and record.finished_at is not None
    assert record.error["exception_type"] == "PoisonJobError"
    assert "3 times" in record.error["exception_message"] and "w2" in record.error["exception_message"]
    letters = await third.dead_letters()
    assert [(d["job"], d["deliveries"], d["worker"]) for d in letters] == [("poison", 3, "w2")]
    assert letters[0]["error"] == record.error
    assert [j.id for j in await third.list(statuses=[JobStatus.ERROR])] == ["poison"]
    assert await third.count([JobStatus.RUNNING]) == 1  # only "fine"


async def test_many_backends_on_one_queue_take_each_job_once_in_priority_order(
        backends: Factory) -> None:
    stores = [await backends() for _ in range(4)]
    for i in range(40):
        await stores[i % 4].submit(make_job(f"j{i:02d}", number=i % 5))
    taken: list[str] = []

    async def worker(store: RedisStreamsBackend, name: str) -> None:
        while (job := await store.lease(name)) is not None:
            taken.append(job.id)
            await asyncio.sleep(0)

    await asyncio.gather(*(worker(s, f"w{n}") for n, s in enumerate(stores)))
    assert Counter(taken) == Counter(f"j{i:02d}" for i in range(40))
    in_lease_order = await stores[0].list(statuses=[JobStatus.RUNNING])  # as Redis saw them
    numbers = [job.number for job in in_lease_order]
    assert len(numbers) == 40 and numbers == sorted(numbers)  # never a higher number first


async def test_a_submit_in_another_process_wakes_idle_workers(backends: Factory) -> None:
    submitter, worker = await backends(), await backends()
    assert await worker.lease("w") is None
    waiter = asyncio.create_task(worker.wait_for_work(60))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await submitter.submit(make_job("a"))
    await asyncio.wait_for(waiter, 5)
    assert (await worker.lease("w")).id == "a"


async def test_queued_jobs_survive_a_redis_crash_with_the_append_only_file(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    store = RedisStreamsBackend(server.url, prefix="persist")
    try:
        await store.open()
        for job_id, number in [("later", 2), ("sooner", 1), ("first", 0)]:
            await store.submit(make_job(job_id, number))
        assert (await store.lease("w")).id == "first"
        server.stop(signal.SIGKILL)  # a crash, not a clean shutdown
        server.start()
        assert [j.id for j in await store.list(statuses=[JobStatus.QUEUED])] == ["sooner", "later"]
        assert (await store.get("first")).status is JobStatus.RUNNING
        assert (await store.lease("w")).id == "sooner"
        await store.finish("first", JobStatus.SUCCESS, outputs={"1": {"text": ["ok"]}}, meta={},
                           messages=[])
        await store.close()
        server.stop()  # and a clean restart, on a fresh backend, as after a redeploy
        server.start()
        fresh = RedisStreamsBackend(server.url, prefix="persist")
        await fresh.open()
        try:
            assert (await fresh.get("first")).outputs == {"1": {"text": ["ok"]}}
            assert (await fresh.lease("w2")).id == "later"
        finally:
            await fresh.close()
    finally:
        await store.close()
        server.stop()


def test_queue_urls_carry_the_queue_options() -> None:
    url, options = split_queue_url("redis://:pw@h:6380/2?prefix=studio&claim_idle_s=5&max_deliveries=4"
                                   "&socket_timeout=3")
    assert url == "redis://:pw@h:6380/2?socket_timeout=3"
    assert options == {"prefix": "studio", "claim_idle_s": 5.0, "max_deliveries": 4}
    store = RedisStreamsBackend.from_url("redis://h/0?prefix=p&claim_idle_s=2")
    assert (store.url, store.prefix, store.claim_idle_s, store.max_deliveries) == ("redis://h/0", "p", 2.0, 3)
    with pytest.raises(ValueError):
        RedisStreamsBackend("redis://h/0", max_deliveries=0)
