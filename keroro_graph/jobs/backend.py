"""JobBackend: the one seam between "a job was accepted" and "a worker runs it".

A job is a validated API graph plus client id, extra data, priority and status
(``queued → running → success | error | interrupted | cancelled``). Backends keep
jobs and history durably; the embedded one needs no setup, a Redis one lets many
workers share a queue. Both pass the same contract tests (tests/jobs/).
"""
from __future__ import annotations

import abc
import builtins
import asyncio
import time
from enum import StrEnum
from typing import Any, Iterable

from pydantic import BaseModel, Field


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    ERROR = "error"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (JobStatus.QUEUED, JobStatus.RUNNING)


FINISHED = frozenset(s for s in JobStatus if s.finished)


class JobRecord(BaseModel):
    """Everything known about one job. ``number`` orders the queue: lower runs first;
    equal numbers run in submission order."""

    id: str
    number: float
    status: JobStatus = JobStatus.QUEUED
    prompt: dict[str, Any]
    extra_data: dict[str, Any] = Field(default_factory=dict)
    client_id: str | None = None
    outputs_to_execute: list[str] = Field(default_factory=list)
    #: Validation errors of outputs that were dropped while others were accepted.
    node_errors: dict[str, Any] = Field(default_factory=dict)
    created_at: float = Field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    worker_id: str | None = None
    #: node id → that node's ``ui`` output (``{"images": [...]}``), cached nodes included.
    outputs: dict[str, Any] = Field(default_factory=dict)
    #: node id → ``{node_id, display_node, parent_node, real_node_id}``.
    meta: dict[str, Any] = Field(default_factory=dict)
    #: ComfyUI's ``status.messages``: ``[[type, data], ...]``.
    messages: list[Any] = Field(default_factory=list)
    #: For error/interrupted: ``{node_id, node_type, exception_type, exception_message, traceback}``.
    error: dict[str, Any] | None = None


async def wait_for_signal(signal: asyncio.Event, timeout_s: float) -> None:
    """``wait_for_work`` for backends that wake idle workers with an asyncio.Event."""
    try:
        async with asyncio.timeout(timeout_s):
            await signal.wait()
    except TimeoutError:
        pass


class JobBackend(abc.ABC):
    """Durable queue plus history. All methods are coroutines on the server's loop."""

    @abc.abstractmethod
    async def open(self) -> list[str]:
        """Open the store. Jobs left ``running`` by a process that died become
        ``interrupted``; their ids are returned."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def submit(self, job: JobRecord) -> None:
        """Queue ``job``. Raises JobError if a job with that id exists."""

    @abc.abstractmethod
    async def lease(self, worker_id: str) -> JobRecord | None:
        """Take the first queued job (lowest number, then oldest), mark it running for
        ``worker_id`` and return it; None when nothing is queued."""

    @abc.abstractmethod
    async def wait_for_work(self, timeout_s: float) -> None:
        """Return when a job may be available to lease, or after ``timeout_s``."""

    @abc.abstractmethod
    async def heartbeat(self, job_id: str, worker_id: str) -> None:
        """Keep ``worker_id``'s lease on a running job alive. Raises JobError when the
        job is no longer running under that worker (the lease was lost) and
        JobNotFoundError for an unknown id."""

    @abc.abstractmethod
    async def finish(self, job_id: str, status: JobStatus, *, outputs: dict[str, Any],
                     meta: dict[str, Any], messages: list[Any],
                     error: dict[str, Any] | None = None) -> None:
        """Record the end of a running job (success, error or interrupted)."""

    @abc.abstractmethod
    async def cancel(self, job_id: str) -> JobStatus | None:
        """Cancel a queued job (it becomes ``cancelled``). Returns the job's status
        after the call (``running`` means the caller must interrupt the execution),
        or None for an unknown id."""

    @abc.abstractmethod
    async def get(self, job_id: str) -> JobRecord | None: ...

    @abc.abstractmethod
    async def status(self, job_id: str) -> JobStatus | None:
        """The job's status alone (cheap: no prompt to decode), None if unknown."""

    @abc.abstractmethod
    async def list(self, *, statuses: Iterable[JobStatus] | None = None,
                   limit: int | None = None, offset: int = 0,
                   newest_first: bool = False, prompt: bool = True) -> list[JobRecord]:
        """Jobs with any of ``statuses`` (all when None), as a timeline: finished jobs
        in the order they finished, then running ones in lease order, then queued
        ones in run order; ``newest_first`` reverses the whole timeline. With
        ``prompt=False`` the documents as large as the graph that no listing shows, the
        records' ``prompt``, ``meta`` and ``outputs_to_execute``, are left empty (never
        read or decoded)."""

    async def list_text(self, *, statuses: Iterable[JobStatus] | None = None, job_id: str | None = None,
                        limit: int | None = None, offset: int = 0, newest_first: bool = False,
                        fields: Iterable[str] | None = None) -> builtins.list[dict[str, Any]] | None:
        """``list`` (or the one job ``job_id``) as stored, never decoded: each record's
        fields as a dict, its JSON fields (prompt, outputs, ...) as the stored UTF-8 JSON
        text in a list of byte pieces; for answers that pass those documents on as they
        are (``/history``, ``/api/runs``). ``fields`` names the JSON fields to read (all
        when None; ``error`` always comes). None when the backend keeps no such text
        (callers then use ``list``/``get``)."""
        return None

    @abc.abstractmethod
    async def count(self, statuses: Iterable[JobStatus] | None = None) -> int: ...

    @abc.abstractmethod
    async def delete(self, job_ids: Iterable[str]) -> int:
        """Remove queued (not yet leased) or finished jobs; running ones are left
        alone. Returns how many were removed."""

    @abc.abstractmethod
    async def clear(self, statuses: Iterable[JobStatus]) -> int:
        """Remove every job with one of ``statuses`` (never running ones)."""
