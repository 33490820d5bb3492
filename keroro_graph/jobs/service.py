"""JobService: the one path every entry point takes — submit → validate → queue →
execute — and the workers that lease jobs from the backend and run them on the engine.

HTTP, the CLI, MCP and tests all call ``submit``; nobody else talks to the engine
directly. ``max_jobs`` jobs hold a slot at once, and a job that only waits on async
nodes (provider I/O) gives its slot back meanwhile, so up to ``max_jobs +
max_waiting_jobs`` run at once; cancelling a queued job removes it, cancelling a
running one interrupts it.
"""
from __future__ import annotations

import asyncio
import builtins
import logging
import uuid
from typing import Any, Awaitable, Callable, Iterable

from ..engine.context import CancelToken
from ..engine.engine import Engine
from ..engine.run import RunRequest
from ..engine.events import EventBus, JobCancelled, JobQueued, JobRecorded, QueueChanged
from ..engine.slots import JobSlot
from ..errors import JobError
from ..graph.checks import pasted_secrets_result
from ..graph.validate import LARGE_GRAPH, CredentialCheck, ValidationResult, error_dict, validate_prompt
from ..heap import large_work, off_loop_if, release
from ..registry.registry import Registry
from .backend import JobBackend, JobRecord, JobStatus
from . import wire
from .records import SubmitResult, clean, clean_large, invalid_at_run, sanitise_extra_data
from .wire import plain_number  # noqa: F401 - routes read it here

log = logging.getLogger(__name__)

_HEARTBEAT_S = 10.0
_IDLE_WAIT_S = 5.0
_END_EVENTS = (JobRecorded, JobCancelled)


class JobService:
    def __init__(self, *, registry: Registry, engine: Engine, backend: JobBackend, bus: EventBus,
                 max_jobs: int = 4, max_waiting_jobs: int = 0, worker_id: str | None = None,
                 run_workers: bool = True,
                 credentials: CredentialCheck | None = None,
                 redact_json: Callable[[Any], Any] | None = None,
                 pasted_secrets: Callable[[Any], dict[str, list[str]]] | None = None,
                 admit: Callable[..., Awaitable[dict[str, Any] | None]] | None = None,
                 remote_interrupt: Callable[[str], None] | None = None) -> None:
        self.registry = registry
        self.credentials = credentials
        #: Scrubs stored secret values from anything written to the job store.
        self.redact_json = redact_json or (lambda doc: doc)
        #: ``{node id: [inputs]}`` holding a stored key or token: refused at submit, so the
        #: graph that runs (its image metadata, its messages) never carries one.
        self.pasted_secrets = pasted_secrets or (lambda prompt: {})
        self.engine = engine
        self.backend = backend
        self.max_jobs = max_jobs
        #: Jobs that may run beyond ``max_jobs`` while they only wait on async nodes.
        self.max_waiting_jobs = max_waiting_jobs
        self._slots = asyncio.Semaphore(max_jobs)
        self._leases = asyncio.Semaphore(max_jobs + max_waiting_jobs)
        self._turn = asyncio.Lock()
        self._running: set[asyncio.Task[None]] = set()
        self.worker_id = worker_id or f"worker-{uuid.uuid4().hex[:8]}"
        self.run_workers = run_workers
        self._counter = 0
        self._graphs: dict[str, ValidationResult] = {}
        self._tokens: dict[str, CancelToken] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False
        #: Asks the other processes to interrupt a job (when jobs run there too: a shared queue).
        self.remote_interrupt = remote_interrupt
        #: The budget guard: ``(job_id, graph, outputs, extra_data)`` → None to admit, or a
        #: refusal ``{"error", "node_errors"}``.
        self.admit = admit
        self.bus = bus

    # --- lifecycle -------------------------------------------------------------------
    async def start(self) -> list[str]:
        """Open the store (jobs left running by a dead process become interrupted) and
        start the workers. Returns the ids of the interrupted jobs."""
        recovered = await self.backend.open()
        queued = await self.backend.list(statuses=[JobStatus.QUEUED], prompt=False)
        self._counter = int(max((abs(j.number) for j in queued), default=-1)) + 1
        if self.run_workers:
            self._workers = [asyncio.create_task(self._work(i), name=f"job-worker-{i}")
                             for i in range(self.max_jobs)]
        return recovered

    async def stop(self) -> None:
        self._stopping = True
        for token in self._tokens.values():
            token.cancel()
        for task in [*self._workers, *self._running]:
            task.cancel()
        await asyncio.gather(*self._workers, *self._running, return_exceptions=True)
        self._workers = []
        await self.backend.close()

    # --- submitting ------------------------------------------------------------------
    async def submit(self, prompt: Any, *, client_id: str | None = None,
                     extra_data: dict[str, Any] | None = None, prompt_id: str | None = None,
                     number: float | None = None, front: bool = False,
                     partial_targets: Iterable[str] | None = None) -> SubmitResult:
        """Validate and queue. An invalid prompt is not queued and does not advance
        the priority counter; a duplicate ``prompt_id`` is refused."""
        job_id = str(prompt_id) if prompt_id else str(uuid.uuid4())
        checked = await self._validated(prompt, partial_targets)
        if not checked.ok:
            return SubmitResult(job_id, 0, False, checked.node_errors, checked.error)
        # the same object when there is nothing to scrub; a large graph is walked in a thread
        large = len(prompt) >= LARGE_GRAPH
        clean_prompt = await asyncio.to_thread(self._redact_large, prompt) if large else self.redact_json(prompt)
        pasted = self.pasted_secrets(prompt) if clean_prompt is not prompt else {}
        if pasted:
            return SubmitResult(job_id, 0, False, *pasted_secrets_result(prompt, pasted))
        if self.admit is not None and checked.graph is not None:
            refusal = await self.admit(job_id, checked.graph, checked.outputs, extra_data or {})
            if refusal is not None:
                return SubmitResult(job_id, 0, False, refusal["node_errors"], refusal["error"])
        if number is None:
            number = float(-self._counter if front else self._counter)
            self._counter += 1
        extra = sanitise_extra_data(extra_data or {})
        if client_id:
            extra["client_id"] = client_id
        make = JobRecord.model_construct if large else JobRecord  # a checked graph: no second copy
        record = make(id=job_id, number=float(number), prompt=clean_prompt, extra_data=self.redact_json(extra),
                      client_id=client_id, outputs_to_execute=checked.outputs, node_errors=checked.node_errors)
        try:
            await self.backend.submit(record)
        except JobError as exc:
            return SubmitResult(job_id, 0, False, {}, error_dict(
                "duplicate_prompt_id", str(exc), f"prompt_id {job_id!r} is already in use"))
        self._graphs[job_id] = checked
        self.bus.publish(JobQueued(job_id=job_id, number=float(number)))
        await self._queue_changed(job_id)
        return SubmitResult(job_id, float(number), True, checked.node_errors)

    async def validate(self, prompt: Any, *, partial_targets: Iterable[str] | None = None) -> ValidationResult:
        """What ``submit`` would refuse, without queueing anything (a dry run): the
        graph's errors and keys pasted into widgets. The budget is checked only at
        submit, where the estimate is reserved."""
        checked = await self._validated(prompt, partial_targets)
        if checked.ok and self.redact_json(prompt) is not prompt:
            pasted = self.pasted_secrets(prompt)
            if pasted:
                node_errors, error = pasted_secrets_result(prompt, pasted)
                return ValidationResult(checked.graph, error=error, node_errors=node_errors)
        return checked

    async def _validated(self, prompt: Any, partial_targets: Iterable[str] | None) -> ValidationResult:
        return await validate_prompt(prompt, self.registry, paths=self.engine.paths,
                                     partial_targets=partial_targets, credentials=self.credentials)

    # --- control ---------------------------------------------------------------------
    async def cancel(self, job_id: str) -> JobStatus | None:
        """Cancel a queued job or interrupt a running one; returns the status after."""
        status = await self.backend.cancel(job_id)
        if status is JobStatus.RUNNING:
            self.interrupt(job_id)
        elif status is JobStatus.CANCELLED:
            self._graphs.pop(job_id, None)
            self.bus.publish(JobCancelled(job_id=job_id))
            await self._queue_changed(job_id)
        return status

    def interrupt(self, job_id: str | None = None) -> list[str]:
        """Interrupt ``job_id`` if it runs here, or every running job here when None.
        With a shared queue, a ``job_id`` that does not run here is passed on through
        ``remote_interrupt`` to the process that runs it. Returns the ids hit here."""
        hit = self.interrupt_here(job_id)
        if job_id is not None and not hit and self.remote_interrupt is not None:
            self.remote_interrupt(job_id)
        return hit

    def interrupt_here(self, job_id: str | None = None) -> list[str]:
        """Interrupt ``job_id`` if this process runs it (every job here when None)."""
        ids = [job_id] if job_id is not None else list(self._tokens)
        hit = [i for i in ids if i in self._tokens]
        for i in hit:
            self._tokens[i].cancel()
        return hit

    async def delete_queued(self, job_ids: Iterable[str]) -> int:
        ids = list(job_ids)
        removed = 0
        for job_id in ids:
            record = await self.backend.get(job_id)
            if record is not None and record.status is JobStatus.QUEUED:
                removed += await self.backend.delete([job_id])
                self._graphs.pop(job_id, None)
        if removed:
            await self._queue_changed(None)
        return removed

    async def clear_queue(self) -> int:
        removed = await self.backend.clear([JobStatus.QUEUED])
        self._graphs.clear()
        if removed:
            await self._queue_changed(None)
        return removed

    # --- reading (routes read jobs here, never from the backend) ---------------------
    async def get(self, job_id: str) -> JobRecord | None:
        """One job's record, or None for an unknown id."""
        return await self.backend.get(job_id)

    async def status(self, job_id: str) -> JobStatus | None:
        """One job's status alone (cheap), or None for an unknown id."""
        return await self.backend.status(job_id)

    async def list(self, *, statuses: Iterable[JobStatus] | None = None, limit: int | None = None,
                   offset: int = 0, newest_first: bool = False, prompt: bool = True) -> list[JobRecord]:
        """Jobs as a timeline (see ``JobBackend.list``); ``prompt=False`` leaves the
        prompt, meta and outputs_to_execute out, for lists that do not show them."""
        return await self.backend.list(statuses=statuses, limit=limit, offset=offset,
                                       newest_first=newest_first, prompt=prompt)

    async def list_text(self, *, statuses: Iterable[JobStatus] | None = None, job_id: str | None = None,
                        limit: int | None = None, offset: int = 0, newest_first: bool = False,
                        fields: Iterable[str] | None = None) -> builtins.list[dict[str, Any]] | None:
        """Jobs as stored, their documents never decoded (see ``JobBackend.list_text``);
        None when the backend keeps no such text."""
        return await self.backend.list_text(statuses=statuses, job_id=job_id, limit=limit, offset=offset,
                                            newest_first=newest_first, fields=fields)

    async def count(self, statuses: Iterable[JobStatus] | None = None) -> int:
        return await self.backend.count(statuses)

    async def forget(self, job_ids: Iterable[str]) -> int:
        """Remove finished (or still queued) jobs from the store; running ones stay."""
        return await self.backend.delete(job_ids)

    async def forget_all(self, statuses: Iterable[JobStatus]) -> int:
        """Remove every job with one of ``statuses`` (never running ones)."""
        return await self.backend.clear(statuses)

    @property
    def workers_alive(self) -> int:
        """Worker tasks still looping (readiness checks compare it to ``max_jobs``)."""
        return sum(1 for task in self._workers if not task.done())

    @property
    def running_ids(self) -> builtins.list[str]:
        return list(self._tokens)

    async def queue_remaining(self) -> int:
        return await self.backend.count([JobStatus.QUEUED, JobStatus.RUNNING])

    async def wait(self, job_id: str, timeout_s: float | None = None) -> JobRecord:
        """Wait until the job has finished and return its record. Raises
        JobError for an unknown id and asyncio.TimeoutError on timeout."""
        async with self.bus.stream(job_id) as events:
            status = await self.backend.status(job_id)
            if status is None:
                raise JobError(f"no job {job_id!r}")
            if status.finished:
                return await self._record(job_id)

            async def until_end() -> None:
                async for event in events:
                    if isinstance(event, _END_EVENTS):
                        return
            await asyncio.wait_for(until_end(), timeout_s)
        return await self._record(job_id)

    async def _record(self, job_id: str) -> JobRecord:
        record = await self.backend.get(job_id)
        if record is None:
            raise JobError(f"job {job_id!r} was deleted")
        return record

    # --- workers ---------------------------------------------------------------------
    async def _work(self, index: int) -> None:
        """Lease a job whenever a slot is free (and fewer than ``max_jobs +
        max_waiting_jobs`` run) and start it; the job gives its slot back when it ends or
        only waits, which lets this worker lease the next one."""
        worker = f"{self.worker_id}/{index}"
        while not self._stopping:
            slot = None
            try:
                # One worker at a time takes a slot and leases or, finding nothing, waits
                # for work; the others queue here, so a new job wakes one worker, not all.
                async with self._turn:
                    await self._leases.acquire()
                    await self._slots.acquire()
                    slot = JobSlot(self._slots)
                    job = await self.backend.lease(worker)
                    if job is None:
                        self._free(slot)
                        slot = None
                        await self.backend.wait_for_work(_IDLE_WAIT_S)
                        continue
                task = asyncio.create_task(self._run_leased(job, worker, slot), name=f"job-{job.id}")
                job = None  # the run owns the record now and frees it off the loop when it ends
                self._running.add(task)
                task.add_done_callback(self._running.discard)
            except asyncio.CancelledError:
                if slot is not None:
                    self._free(slot)
                raise
            except Exception:
                if slot is not None:
                    self._free(slot)
                log.exception("job worker %s hit an error; continuing", worker)
                await asyncio.sleep(0.5)

    def _free(self, slot: JobSlot) -> None:
        slot.release()
        self._leases.release()

    async def _run_leased(self, job: JobRecord, worker: str, slot: JobSlot) -> None:
        # the run's large parts (record, graph, result, outputs) are kept here to the end
        # and then freed off the loop: a 200k-node job's are 100+ ms of deallocation
        held: builtins.list[Any] = [job]
        job_id = job.id
        del job
        try:
            await self._run(held[0], worker, slot, held)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("job %s hit an error in worker %s", job_id, worker)
        finally:
            self._free(slot)
            release(held)

    async def _run(self, job: JobRecord, worker: str, slot: JobSlot | None = None,
                   held: builtins.list[Any] | None = None) -> None:
        held = [] if held is None else held
        token = self._tokens[job.id] = CancelToken()
        recorded: JobStatus | None = None
        heartbeat = _Heartbeat(self.backend, job.id, worker)
        await self._queue_changed(job.id)  # ComfyUI announces the queue on put, get and done
        try:
            checked = self._graphs.pop(job.id, None) or await self._validated(
                job.prompt, job.outputs_to_execute or None)
            held.append(checked)
            if checked.ok and checked.graph is not None and len(checked.graph.nodes) >= LARGE_GRAPH:
                with large_work():  # its cached outputs: no full collection walks them (heap.py)
                    recorded = await self._execute(job, checked, token, slot, held)
            else:
                recorded = await self._execute(job, checked, token, slot, held)
        finally:
            heartbeat.stop()
            self._tokens.pop(job.id, None)
            await self._queue_changed(job.id)
            status_now = recorded or await self.backend.status(job.id)
            if status_now is None or status_now.finished:  # still running: stopped mid-job, not over
                self.bus.publish(JobRecorded(job_id=job.id, status=status_now.value if status_now else "unknown"))

    async def _execute(self, job: JobRecord, checked: ValidationResult, token: CancelToken,
                       slot: JobSlot | None, held: builtins.list[Any]) -> JobStatus:
        if checked.ok and checked.graph is not None:
            result = await self.engine.execute(
                RunRequest(job_id=job.id, graph=checked.graph, outputs=checked.outputs,
                           extra_data=job.extra_data, slot=slot), token)
        else:
            result = invalid_at_run(job.id, checked)
        status = {"success": JobStatus.SUCCESS, "error": JobStatus.ERROR,
                  "interrupted": JobStatus.INTERRUPTED}[result.status]
        outputs = result.ui if status is JobStatus.SUCCESS else {}
        # a large graph's outputs (100k entries) are cleaned in a thread, not on the loop
        large = len(outputs) >= LARGE_GRAPH
        outputs = await off_loop_if(large, self._clean_large if large else self._clean, outputs)
        # ComfyUI's meta of 100k outputs: ~45 ms of dict building, in a thread too
        meta = await off_loop_if(len(result.meta) >= LARGE_GRAPH, wire.history_meta, result)
        held += [result, outputs, meta]
        await self.backend.finish(
            job.id, status, outputs=outputs, meta=meta,
            messages=self._clean(wire.history_messages(job.id, result)),
            error=self._clean(wire.failure_record(result.failure) if result.failure else None))
        return status

    def _clean(self, value: Any) -> Any:
        return clean(value, self.redact_json)

    def _clean_large(self, value: Any) -> Any:
        return clean_large(value, self.redact_json)

    def _redact_large(self, prompt: Any) -> Any:
        with large_work():  # the scrubbed copy of a large graph: no full collection walks it
            return self.redact_json(prompt)

    async def _queue_changed(self, job_id: str | None) -> None:
        remaining = await self.queue_remaining()
        self.bus.publish(QueueChanged(job_id=job_id or "", queue_remaining=remaining))


class _Heartbeat:
    """Tells the backend every ``_HEARTBEAT_S`` that a job still runs here. Until the
    first beat it is one timer (most jobs end sooner), not a task per job."""

    def __init__(self, backend: JobBackend, job_id: str, worker: str) -> None:
        self._beat = (backend, job_id, worker)
        self._task: asyncio.Task[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(_HEARTBEAT_S, self._start)

    def _start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        backend, job_id, worker = self._beat
        while True:
            await backend.heartbeat(job_id, worker)
            await asyncio.sleep(_HEARTBEAT_S)

    def stop(self) -> None:
        self._timer.cancel()
        if self._task is not None:
            self._task.cancel()
