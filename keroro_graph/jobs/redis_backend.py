"""RedisStreamsBackend: the JobBackend that lets many worker processes, on many
machines, share one durable queue held by Redis (redis-py's asyncio client).

Design. Priorities cannot live in a stream (it is strictly append-ordered), so the
queue is a sorted set of job ids scored by ``number`` with the submission sequence in
the member, which gives "lowest number first, then oldest" for any float, negative
(``front``) ones included. The stream is the delivery and lease mechanism: ``lease``
is one Lua script that pops the head of the sorted set, appends it to the stream and
reads it through the consumer group, so the job sits in the group's pending list
under exactly one consumer; that list is what gives leases their idle time and
delivery count. Heartbeats (``XCLAIM … JUSTID``, which resets idle time without
counting a delivery) keep a lease alive, from the service and from this backend's own
lease keeper; when a worker dies, the next ``lease`` anywhere takes its job over with
``XAUTOCLAIM`` once it has been idle ``claim_idle_s``, and a job delivered more than
``max_deliveries`` times goes to the ``:dead`` stream and finishes as ``error`` with a
``PoisonJobError``. Job records (status, history, outputs metadata) are hashes, so any
process answers ``/queue``, ``/history`` and ``/api/runs`` for any job. Idle workers
wait on a ``:wake`` pub/sub channel. The scripts are in redis_scripts.py, the listing
order in redis_listing.py, the connection plumbing in redis_client.py; this module
knows nothing of graphs, events or HTTP.
"""
from __future__ import annotations

import asyncio
import builtins
import json
import logging
import math
import time
import uuid
from typing import Any, Awaitable, Iterable, cast

from redis import asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from keroro_graph.engine.run import JobFailure
from keroro_graph.errors import JobError, JobNotFoundError
from keroro_graph.jobs import redis_scripts as lua
from keroro_graph.jobs.backend import JobBackend, JobRecord, JobStatus, wait_for_signal
from keroro_graph.jobs.wire import failure_record
from keroro_graph.jobs.redis_client import connect, default_consumer, follow, split_queue_url
from keroro_graph.jobs.redis_listing import Listing, chosen_statuses

log = logging.getLogger(__name__)

_FIELDS = tuple(name for name in JobRecord.model_fields if name != "status")
#: Left out of listings (``list(prompt=False)``): as large as the graph, never shown there.
_LEFT_OUT: dict[str, Any] = {"prompt": {}, "meta": {}, "outputs_to_execute": []}
_NO_PROMPT = tuple(name for name in _FIELDS if name not in _LEFT_OUT)
_ENDINGS = frozenset({JobStatus.SUCCESS, JobStatus.ERROR, JobStatus.INTERRUPTED})
_GROUP = "workers"


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


#: The failure of a job buried after too many deliveries, as JSON split where the
#: LEASE script puts its message (which names the deliveries and the last worker).
_POISON_HEAD, _POISON_TAIL = _dump(failure_record(JobFailure(exception_type="PoisonJobError",
                                                            exception_message="\0"))).split(_dump("\0"))


class RedisStreamsBackend(JobBackend):
    """Jobs in Redis at ``url`` under ``prefix``. ``consumer`` names this process in
    the consumer group (default: host-pid-random); a lease idle for ``claim_idle_s``
    (no heartbeat) is taken over by the next worker that leases; a job delivered more
    than ``max_deliveries`` times is dead-lettered. Use one instance per event loop."""

    def __init__(self, url: str, *, prefix: str = "keroro", consumer: str | None = None,
                 claim_idle_s: float = 30.0, max_deliveries: int = 3) -> None:
        if claim_idle_s <= 0 or max_deliveries < 1:
            raise ValueError("claim_idle_s must be positive and max_deliveries at least 1")
        self.url, self.prefix = url, prefix
        self.consumer = consumer or default_consumer()
        self.claim_idle_s, self.max_deliveries = claim_idle_s, max_deliveries
        self._redis: aioredis.Redis | None = None
        self._scripts: dict[str, Any] = {}
        self._work = asyncio.Event()
        #: job id → worker id of the leases this instance holds (the keeper renews them).
        self._held: dict[str, str] = {}
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> "RedisStreamsBackend":
        """A backend for a queue URL that may carry ``prefix``, ``claim_idle_s`` and
        ``max_deliveries`` as query parameters (see split_queue_url)."""
        redis_url, options = split_queue_url(url)
        return cls(redis_url, **{**options, **overrides})

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    @property
    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            raise JobError("job store is not open")
        return self._redis

    # --- lifecycle -------------------------------------------------------------------
    async def open(self) -> list[str]:
        """Connect, create the consumer group if needed and start listening for work.
        Returns [] always: a job left running by a dead worker is not interrupted here
        but taken over by the next lease once its lease has gone idle."""
        if self._redis is not None:
            raise JobError("job store is already open")
        self._redis = connect(self.url)
        try:
            await self._redis.xgroup_create(self.key("stream"), _GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                await self.close()
                raise
        except BaseException:
            await self.close()
            raise
        self._scripts = {name: self._redis.register_script(getattr(lua, name))
                         for name in ("SUBMIT", "LEASE", "HEARTBEAT", "FINISH", "CANCEL",
                                      "DELETE", "RETIRE_CONSUMER")}
        self._work.set()  # whatever is queued (or abandoned) is worth one look
        pubsub = await self._subscribe_to_wake()
        self._tasks = [asyncio.create_task(self._listen_for_work(pubsub), name="redis-wake"),
                       asyncio.create_task(self._keep_leases(), name="redis-lease-keeper")]
        return []

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._redis is not None:
            try:
                if self._scripts:
                    await self._run("RETIRE_CONSUMER", _GROUP, self.consumer)
            except RedisError:
                pass  # Redis is gone; the consumer name stays, harmlessly
            await self._redis.aclose()
        self._redis = None
        self._held.clear()

    # --- the queue -------------------------------------------------------------------
    async def submit(self, job: JobRecord) -> None:
        """Queue ``job`` (which must be ``queued``). Raises JobError for a duplicate id, a
        NaN number or another status; TypeError if a field is not JSON-serialisable."""
        if job.status is not JobStatus.QUEUED:
            raise JobError(f"job {job.id} is {job.status}; only queued jobs can be submitted")
        if math.isnan(job.number):
            raise JobError(f"job {job.id} has no valid number (NaN)")
        fields = [item for name in _FIELDS for item in (name, _dump(getattr(job, name)))]
        if not await self._run("SUBMIT", job.id, uuid.uuid4().hex, repr(float(job.number)), *fields):
            raise JobError(f"a job with id {job.id} already exists")
        self._work.set()

    async def lease(self, worker_id: str) -> JobRecord | None:
        """Take over an abandoned job, else take the queue's head; None when neither."""
        self._work.clear()  # before asking, so a wake-up sent meanwhile is never lost
        found = await self._run("LEASE", _GROUP, self.consumer, _dump(worker_id),
                                _dump(time.time()), int(self.claim_idle_s * 1000),
                                self.max_deliveries, _POISON_HEAD, _POISON_TAIL, *_FIELDS)
        job_id, remaining, dead, values = found[0], int(found[1]), found[2], found[3]
        for poisoned in dead:
            log.error("job %s was delivered more than %d times; moved to %s", poisoned,
                      self.max_deliveries, self.key("dead"))
        if remaining:
            self._work.set()
        if not job_id:
            return None
        self._held[job_id] = worker_id
        return _record(values)

    async def wait_for_work(self, timeout_s: float) -> None:
        await wait_for_signal(self._work, timeout_s)

    async def heartbeat(self, job_id: str, worker_id: str) -> None:
        """Reset the idle time of ``worker_id``'s lease on ``job_id``. Raises
        JobNotFoundError for an unknown id and JobError when the lease was lost."""
        kept = await self._run("HEARTBEAT", job_id, _GROUP, self.consumer, _dump(worker_id))
        if kept == -1:
            raise JobNotFoundError(f"no job has id {job_id}")
        if kept == 0:
            self._held.pop(job_id, None)
            status = await self.status(job_id)
            raise JobError(f"job {job_id} is {status and status.value}, not leased by {worker_id}")

    async def finish(self, job_id: str, status: JobStatus, *, outputs: dict[str, Any],
                     meta: dict[str, Any], messages: list[Any],
                     error: dict[str, Any] | None = None) -> None:
        """Move a running job to ``status`` (success, error or interrupted; anything else
        is a ValueError) and acknowledge its stream entry. Raises JobNotFoundError for an
        unknown id and JobError when the job is not running."""
        status = JobStatus(status)
        if status not in _ENDINGS:
            raise ValueError(f"finish() takes success, error or interrupted, not {status}")
        values = (_dump(time.time()), _dump(outputs), _dump(meta), _dump(messages), _dump(error))
        done = await self._run("FINISH", job_id, _GROUP, status.value, *values)
        self._held.pop(job_id, None)
        if done == -1:
            raise JobNotFoundError(f"no job has id {job_id}")
        if done == 0:
            raise JobError(f"job {job_id} is {getattr(await self.status(job_id), 'value', None)}, not running")

    async def cancel(self, job_id: str) -> JobStatus | None:
        status = await self._run("CANCEL", job_id, _dump(time.time()))
        return JobStatus(status) if status else None

    # --- reading ---------------------------------------------------------------------
    async def get(self, job_id: str) -> JobRecord | None:
        values = await cast("Awaitable[list[Any]]", self.redis.hmget(self.key("job", job_id), ["status", *_FIELDS]))
        return _record(values)

    async def status(self, job_id: str) -> JobStatus | None:
        value = await cast("Awaitable[str | None]", self.redis.hget(self.key("job", job_id), "status"))
        return None if value is None else JobStatus(value)

    async def list(self, *, statuses: Iterable[JobStatus] | None = None,
                   limit: int | None = None, offset: int = 0,
                   newest_first: bool = False, prompt: bool = True) -> list[JobRecord]:
        """As JobBackend.list: finished (finish order), running (lease order), queued
        (run order); ``newest_first`` reverses the whole timeline."""
        ids = await Listing(self.redis, self.prefix, chosen_statuses(statuses)).page(
            limit=limit, offset=offset, newest_first=newest_first)
        if not ids:
            return []
        fields = _FIELDS if prompt else _NO_PROMPT
        pipe = self.redis.pipeline(transaction=False)
        for job_id in ids:
            pipe.hmget(self.key("job", job_id), ["status", *fields])
        rows = await pipe.execute()
        return [record for record in (_record(row, fields) for row in rows) if record is not None]

    async def count(self, statuses: Iterable[JobStatus] | None = None) -> int:
        return await Listing(self.redis, self.prefix, chosen_statuses(statuses)).count()

    async def delete(self, job_ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(job_ids))
        removed = 0
        for start in range(0, len(ids), 500):
            removed += await self._run("DELETE", *ids[start:start + 500])
        return removed

    async def clear(self, statuses: Iterable[JobStatus]) -> int:
        chosen = chosen_statuses(statuses) - {JobStatus.RUNNING}
        if not chosen:
            return 0
        return await self.delete(await Listing(self.redis, self.prefix, chosen).page())

    # --- dead letters ----------------------------------------------------------------
    async def dead_letters(self, count: int = 100) -> builtins.list[dict[str, Any]]:
        """The newest ``count`` dead-lettered jobs: ``{job, deliveries, worker, error, at}``."""
        entries = await self.redis.xrevrange(self.key("dead"), count=count)
        return [{"job": f["job"], "deliveries": int(f["deliveries"]), "worker": json.loads(f["worker"]),
                 "error": json.loads(f["error"]), "at": json.loads(f["at"])} for _, f in entries]

    # --- internals -------------------------------------------------------------------
    async def _run(self, script: str, *args: Any) -> Any:
        if self._redis is None:
            raise JobError("job store is not open")
        return await self._scripts[script](args=[self.prefix, *args])

    async def _subscribe_to_wake(self) -> Any:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.key("wake"))
        return pubsub

    async def _listen_for_work(self, pubsub: Any) -> None:
        """Set the wake-up event on every submit anywhere, and after a reconnection (a
        submit may have slipped by while we were away)."""
        await follow(pubsub, self._subscribe_to_wake, lambda _message: self._work.set(),
                     resubscribed=self._work.set)

    async def _keep_leases(self) -> None:
        """Heartbeat every held lease three times per claim_idle_s, so a live worker's
        job is never taken over however the service paces its own heartbeats."""
        while True:
            await asyncio.sleep(self.claim_idle_s / 3)
            for job_id, worker_id in list(self._held.items()):
                try:
                    await self.heartbeat(job_id, worker_id)
                except (JobError, JobNotFoundError):
                    self._held.pop(job_id, None)
                except (RedisError, OSError) as exc:
                    log.warning("heartbeat of job %s failed (%s)", job_id, exc)


def _record(values: list[str | None], names: tuple[str, ...] = _FIELDS) -> JobRecord | None:
    status, *fields = values
    if status is None:
        return None
    data = {**_LEFT_OUT, **{name: json.loads(v) for name, v in zip(names, fields) if v is not None}}
    return JobRecord.model_validate({**data, "status": status})
