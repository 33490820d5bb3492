"""EmbeddedBackend: the zero-setup JobBackend, one SQLite file (WAL mode) owned by one process.

It owns the ``jobs`` table, its schema version (``PRAGMA user_version``), the run order
(``number``, then a submission sequence) and the history order (a finish sequence), and the
wake-up event idle workers wait on. Every state change is one transaction, so a crash never
leaves a half-written job, and every statement runs in the store's own thread, so a large
prompt being stored or read never stalls the event loop (large JSON is encoded and decoded
in pieces, see keroro_graph/jsonpieces.py); counts per status are kept in memory. A sidecar
``.lock`` file (POSIX ``flock``) makes the store single-process, which is what lets ``open()``
treat every ``running`` job as orphaned. The table itself (schema, statements, rows to
records) is embedded_sql.py's. It knows nothing of graphs, the engine or HTTP: prompts and
outputs are opaque JSON.
"""
from __future__ import annotations

import asyncio
import builtins
import math
import sqlite3
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, TypeVar

from keroro_graph.errors import JobError, JobNotFoundError
from keroro_graph.jobs.backend import JobBackend, JobRecord, JobStatus, wait_for_signal

from keroro_graph.jobs import embedded_sql as sql
from keroro_graph.jobs.embedded_sql import MEMORY, SCHEMA_VERSION  # noqa: F401 - part of this module's API

#: Members (graph nodes, outputs) below which a document is written on the loop.
_SMALL_DOC = 1000
_ENDINGS = frozenset({JobStatus.SUCCESS, JobStatus.ERROR, JobStatus.INTERRUPTED})


T = TypeVar("T")

class EmbeddedBackend(JobBackend):
    """Jobs in one SQLite file at ``path`` (parent folders are created), or a throwaway
    in-memory store when ``path`` is ``":memory:"``. Use it from one event loop: every
    call runs a sub-millisecond statement on one connection in the loop's thread."""

    def __init__(self, path: Path | str) -> None:
        self.path: Path | None = None if str(path) == sql.MEMORY else Path(path)
        self._db: sqlite3.Connection | None = None
        self._lock_file: IO[bytes] | None = None
        self._work = asyncio.Event()
        self._thread: ThreadPoolExecutor | None = None
        #: Calls handed to the store's thread, and those it finished (each counter is
        #: written by one thread only); equal when the thread is idle.
        self._sent = self._done = 0
        #: status value → jobs with it (one process owns the store, so this is exact).
        self._counts: Counter[str] = Counter()
        #: Queued jobs whose prompt is not known to be small (submitted with a large one,
        #: or found queued at open): while there is none, a lease is a small call.
        self._large_queued: set[str] = set()
        #: order column → its last value (see _next_seq).
        self._seqs: dict[str, int] = {}
        #: Whether a small submit was made in this turn of the loop already.
        self._burst = False
        #: Small submits of this turn of the loop, waiting for their group commit.
        self._group: list[tuple[JobRecord, asyncio.Future[None]]] = []

    async def _store(self, fn: Callable[..., T], *args: Any, small: bool = False) -> T:
        """Run ``fn(*args)`` in the store's thread; a ``small`` call (bounded work: no
        large document to write or read) runs at once on the loop instead when the
        thread is idle, saving the hop, and never overtakes a call still queued there."""
        if self._thread is None:
            raise JobError("job store is not open")
        if small and self._sent == self._done:
            return fn(*args)
        self._sent += 1
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._counted, fn, args)

    def _counted(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            return fn(*args)
        finally:
            self._done += 1

    async def open(self) -> list[str]:
        """Create or migrate the schema and mark orphaned ``running`` jobs ``interrupted``.
        Raises JobError if another process holds the store or its schema is newer."""
        if self._db is not None:
            raise JobError("job store is already open")
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_file = sql.lock(self.path)
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="keroro-jobstore")
        try:
            interrupted = await self._store(self._open)
        except BaseException:
            await self.close()
            raise
        if self._counts[JobStatus.QUEUED]:
            self._work.set()
        return interrupted

    def _open(self) -> list[str]:
        self._db = sql.connect(self.path)
        self._seqs = {}
        with self._tx() as db:
            sql.migrate(db, self.path)
        with self._tx() as db:
            interrupted = sql.interrupt_orphans(db, lambda: self._next_seq("finish_seq"))
        self._counts = Counter(dict(self._db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status")))
        self._large_queued = {row[0] for row in self._db.execute("SELECT id FROM jobs WHERE status = 'queued'")}
        return interrupted

    async def close(self) -> None:
        if self._db is not None:
            await self._store(self._db.close)
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._lock_file is not None:
            self._lock_file.close()  # closing the descriptor releases the flock
        self._db = self._lock_file = self._thread = None

    async def submit(self, job: JobRecord) -> None:
        """Queue ``job`` (which must be ``queued``). Raises JobError for a duplicate id, a
        NaN number or another status; TypeError if a field is not JSON-serialisable."""
        if job.status is not JobStatus.QUEUED:
            raise JobError(f"job {job.id} is {job.status}; only queued jobs can be submitted")
        if math.isnan(job.number):
            raise JobError(f"job {job.id} has no valid number (NaN)")
        if len(job.prompt) < _SMALL_DOC and not self._burst:
            # the first submit of this turn of the loop is inserted at once; more in the
            # same turn (a burst of requests) are grouped behind it
            self._burst = True
            asyncio.get_running_loop().call_soon(self._end_burst)
            self._deliver([(job, None)], await self._store(self._insert, [job], small=True))
        elif len(job.prompt) < _SMALL_DOC:
            await self._grouped(job)
        else:
            self._large_queued.add(job.id)  # before the insert: no lease may read it on the loop
            self._deliver([(job, None)], await self._store(self._insert, [job]))
        self._work.set()

    def _end_burst(self) -> None:
        self._burst = False

    async def _grouped(self, job: JobRecord) -> None:
        """Group commit: small submits made in the same turn of the loop (a burst of
        requests) are inserted in one transaction, after the others of that turn; each
        caller returns only once its row is committed, so an answered submit is as
        durable as before, and one commit (its WAL write and locks) serves them all."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._group.append((job, waiter))
        if len(self._group) == 1:
            loop.call_soon(self._flush_group)
        await waiter

    def _flush_group(self) -> None:
        group, self._group = self._group, []
        nodes = sum(len(job.prompt) for job, _ in group)
        task = asyncio.ensure_future(self._store(self._insert, [job for job, _ in group], small=nodes < _SMALL_DOC))
        task.add_done_callback(lambda done: self._group_done(group, done))

    def _group_done(self, group: builtins.list[tuple[JobRecord, Any]], done: asyncio.Future[Any]) -> None:
        if done.cancelled():  # the loop is closing: so are the requests waiting
            for _job, waiter in group:
                waiter.cancel()
        else:
            error = done.exception()
            self._deliver(group, None if error else done.result(), error)

    @staticmethod
    def _deliver(group: list[tuple[JobRecord, Any]], results: list[Exception | None] | None,
                 error: BaseException | None = None) -> None:
        """Each waiter of ``group`` gets its insert's outcome (None if it has no waiter:
        then the one job's error is raised here)."""
        for index, (_job, waiter) in enumerate(group):
            outcome = error or (results[index] if results is not None else None)
            if waiter is None:
                if outcome is not None:
                    raise outcome
            elif not waiter.done():
                waiter.set_exception(outcome) if outcome is not None else waiter.set_result(None)

    def _insert(self, jobs: list[JobRecord]) -> list[Exception | None]:
        """Insert ``jobs`` in one transaction (one statement when there is one); per job,
        None or the error refusing it (a duplicate id, a value JSON cannot hold)."""
        rows: list[Any] = []
        for job in jobs:
            try:
                values = [sql.dump(getattr(job, f)) if f in sql.JSON_FIELDS else getattr(job, f)
                          for f in sql.FIELDS]
            except (TypeError, ValueError) as exc:
                rows.append(exc)
                continue
            values[sql.FIELDS.index("status")] = job.status.value
            rows.append(values)
        outcomes: list[Exception | None] = []
        with self._tx() if len(jobs) > 1 else nullcontext(self._conn) as db:
            for job, row in zip(jobs, rows):
                if isinstance(row, Exception):
                    outcomes.append(row)
                elif db.execute(sql.INSERT, row).rowcount:
                    outcomes.append(None)
                else:
                    outcomes.append(JobError(f"a job with id {job.id} already exists"))
        self._counts[JobStatus.QUEUED] += outcomes.count(None)
        return outcomes

    async def lease(self, worker_id: str) -> JobRecord | None:
        # The counts are exact (one process owns the store): with nothing queued there is
        # no statement to run, and with no large prompt queued the lease is a small call.
        queued = self._counts[JobStatus.QUEUED]
        found = await self._store(self._lease, worker_id, small=not self._large_queued) \
            if queued or self._thread is None else None
        if found is not None:
            self._large_queued.discard(found.id)
            return found
        # Cleared only when the store saw the queue empty and no submit finished
        # since (a submit sets it again after its insert), so no wake-up is missed.
        if not self._counts[JobStatus.QUEUED]:
            self._work.clear()
            if self._sent == self._done:  # nothing queued or on its way: none is large
                self._large_queued.clear()
        return None

    def _lease(self, worker_id: str) -> JobRecord | None:
        # One statement (its own transaction): the first queued job becomes running. A
        # RETURNING statement commits once stepped to its end, hence fetchall.
        now = time.time()
        rows = self._conn.execute(sql.LEASE, (now, worker_id, self._next_seq("lease_seq"))).fetchall()
        if not rows:
            return None
        self._move(JobStatus.QUEUED, JobStatus.RUNNING)
        return sql.record(rows[0])

    def _move(self, old: str, new: str, count: int = 1) -> None:
        self._counts[old] -= count
        self._counts[new] += count

    async def wait_for_work(self, timeout_s: float) -> None:
        await wait_for_signal(self._work, timeout_s)

    async def heartbeat(self, job_id: str, worker_id: str) -> None:
        """Record that ``worker_id`` is still running ``job_id`` (informational here: one
        process owns the store). Raises JobNotFoundError for an unknown id and JobError
        when the job is not running under ``worker_id``. In the store's thread: SQLite
        rewrites the whole row, the prompt with it (15 MB for a 200k-node graph)."""
        await self._store(self._heartbeat, job_id, worker_id)

    def _heartbeat(self, job_id: str, worker_id: str) -> None:
        with self._tx() as db:
            changed = db.execute(
                "UPDATE jobs SET heartbeat_at = ? "
                "WHERE id = ? AND worker_id = ? AND status = 'running'",
                (time.time(), job_id, worker_id)).rowcount
            if not changed:
                raise JobError(f"job {job_id} is {self._status(job_id)}, "
                               f"not leased by {worker_id}")

    async def finish(self, job_id: str, status: JobStatus, *, outputs: dict[str, Any],
                     meta: dict[str, Any], messages: list[Any],
                     error: dict[str, Any] | None = None) -> None:
        """Move a running job to ``status`` (success, error or interrupted; anything else
        is a ValueError). Raises JobNotFoundError for an unknown id and JobError when the
        job is not running; TypeError if a field is not JSON-serialisable."""
        status = JobStatus(status)
        if status not in _ENDINGS:
            raise ValueError(f"finish() takes success, error or interrupted, not {status}")
        await self._store(self._finish, job_id, status, outputs, meta, messages, error,
                          small=len(outputs) + len(meta) + len(messages) < _SMALL_DOC)

    def _finish(self, job_id: str, status: JobStatus, outputs: dict[str, Any], meta: dict[str, Any],
                messages: list[Any], error: dict[str, Any] | None) -> None:
        values = (status.value, time.time(), sql.dump(outputs), sql.dump(meta), sql.dump(messages),
                  sql.dump(error))
        changed = self._conn.execute(  # one statement: its own transaction
            "UPDATE jobs SET status = ?, finished_at = ?, outputs = ?, meta = ?, "
            "messages = ?, error = ?, finish_seq = ? WHERE id = ? AND status = 'running'",
            (*values, self._next_seq("finish_seq"), job_id)).rowcount
        if not changed:
            raise JobError(f"job {job_id} is {self._status(job_id)}, not running")
        self._move(JobStatus.RUNNING, status)

    async def cancel(self, job_id: str) -> JobStatus | None:
        return await self._store(self._cancel, job_id, small=True)

    def _cancel(self, job_id: str) -> JobStatus | None:
        with self._tx() as db:
            row = db.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return None
            if row[0] != JobStatus.QUEUED:
                return JobStatus(row[0])
            db.execute("UPDATE jobs SET status = 'cancelled', finished_at = ?, finish_seq = ? "
                       "WHERE id = ?", (time.time(), self._next_seq("finish_seq"), job_id))
        self._move(JobStatus.QUEUED, JobStatus.CANCELLED)
        return JobStatus.CANCELLED

    async def get(self, job_id: str) -> JobRecord | None:
        return await self._store(self._get, job_id)

    def _get(self, job_id: str) -> JobRecord | None:
        row = self._conn.execute(f"{sql.SELECT} WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else sql.record(row)

    async def status(self, job_id: str) -> JobStatus | None:
        return await self._store(self._status_of, job_id, small=True)

    def _status_of(self, job_id: str) -> JobStatus | None:
        row = self._conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else JobStatus(row[0])

    async def list(self, *, statuses: Iterable[JobStatus] | None = None,
                   limit: int | None = None, offset: int = 0,
                   newest_first: bool = False, prompt: bool = True) -> list[JobRecord]:
        """As JobBackend.list. With several kinds of status the list is a timeline:
        finished (in finish order), then running (in lease order), then queued (in run
        order); ``newest_first`` reverses the whole timeline."""
        if not (chosen := sql.chosen(statuses)):
            return []
        query, params = sql.listing(sql.SELECT if prompt else sql.SELECT_NO_PROMPT, chosen, newest_first)
        return await self._store(self._rows, query, (*params, -1 if limit is None else limit, offset))

    async def list_text(self, *, statuses: Iterable[JobStatus] | None = None, job_id: str | None = None,
                        limit: int | None = None, offset: int = 0, newest_first: bool = False,
                        fields: Iterable[str] | None = None) -> builtins.list[dict[str, Any]] | None:
        """As JobBackend.list_text: read a piece at a time in the store's thread, never decoded."""
        if job_id is not None:
            return await self._store(sql.text_rows, self._conn, f"{sql.SELECT_TEXT} WHERE id = ?", (job_id,), fields)
        if not (chosen := sql.chosen(statuses)):
            return []
        query, params = sql.listing(sql.SELECT_TEXT, chosen, newest_first)
        paging = (-1 if limit is None else limit, offset)
        return await self._store(sql.text_rows, self._conn, query, (*params, *paging), fields)

    def _rows(self, query: str, params: tuple[Any, ...]) -> builtins.list[JobRecord]:
        return [sql.record(row) for row in self._conn.execute(query, params)]

    async def count(self, statuses: Iterable[JobStatus] | None = None) -> int:
        return sum(self._counts[s] for s in sql.chosen(statuses))

    async def delete(self, job_ids: Iterable[str]) -> int:
        return await self._store(self._delete, list(job_ids))

    def _delete(self, job_ids: builtins.list[str]) -> int:
        removed: Counter[str] = Counter()
        with self._tx() as db:
            for job_id in job_ids:
                removed.update(row[0] for row in db.execute(
                    "DELETE FROM jobs WHERE id = ? AND status != 'running' RETURNING status", (job_id,)))
        self._counts.subtract(removed)
        return sum(removed.values())

    async def clear(self, statuses: Iterable[JobStatus]) -> int:
        if not (chosen := sql.chosen(statuses) - {JobStatus.RUNNING}):
            return 0
        where, params = sql.status_filter(chosen)
        return await self._store(self._clear, where, params)

    def _clear(self, where: str, params: builtins.list[str]) -> int:
        with self._tx() as db:
            removed = Counter(row[0] for row in db.execute(
                f"DELETE FROM jobs WHERE {where} RETURNING status", params))
        self._counts.subtract(removed)
        return sum(removed.values())

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise JobError("job store is not open")
        return self._db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front so the reads
        inside it cannot go stale before the write."""
        db = self._conn
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # a failed COMMIT may already have rolled back
                db.execute("ROLLBACK")
            raise

    def _next_seq(self, column: str) -> int:
        """The next value of an order column, counted here after one read of its maximum
        (one process owns the store; a value lost to a failed statement leaves a gap,
        which orders the same)."""
        value = self._seqs.get(column)
        if value is None:
            value = self._conn.execute(f"SELECT COALESCE(MAX({column}), 0) FROM jobs").fetchone()[0]
        self._seqs[column] = value = value + 1
        return value

    def _status(self, job_id: str) -> str:
        row = self._conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job has id {job_id}")
        return str(row[0])
