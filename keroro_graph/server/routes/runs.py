"""``/api/runs``: our own view of the job store — list (newest first, filtered by
status, paged), one job, cancel and retry. Unlike ``/queue`` and ``/history`` it
speaks in plain job records; prompts are left out of listings unless asked for,
and every answer passes through secret redaction."""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from ...errors import JobError
from ...jobs.backend import JobRecord, JobStatus
from ...jobs.wire import plain_number
from ...jobs.wire import batch_items
from ..errors import fail, int_query
from ..keys import RUNTIME, SECRETS
from .. import runs_text
from ..streaming import carried_nodes, redacted_answer, text_answer

routes = web.RouteTableDef()
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: How long a cancel of a running job waits for the run to stop before answering.
INTERRUPT_WAIT_S = 5.0


def job_json(job: JobRecord, *, include_prompt: bool = False) -> dict[str, Any]:
    """The public shape of one job; the prompt and extra data only when asked for.
    ``duration_s`` is the run time so far for a running job, None for a queued one."""
    out: dict[str, Any] = {
        "id": job.id, "status": job.status.value, "number": plain_number(job.number),
        "client_id": job.client_id, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "duration_s": runs_text.duration_s(job.started_at, job.finished_at),
        "outputs": job.outputs, "error": job.error, "node_errors": job.node_errors,
        "workflow_name": name if isinstance(name := job.extra_data.get("workflow_name"), str) else None,
        "items": batch_items(job),
    }
    if include_prompt:
        out["prompt"], out["extra_data"] = job.prompt, job.extra_data
    return out


@routes.get("/api/runs")
async def list_jobs(request: web.Request) -> web.StreamResponse:
    statuses = _statuses(request.query.get("status"))
    limit = int_query(request, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    offset = int_query(request, "offset", 0, low=0)
    include_prompt = "prompt" in request.query.get("include", "").split(",")
    service = request.app[RUNTIME].jobs
    stored = await service.list_text(statuses=statuses, limit=limit, offset=offset, newest_first=True,
                                     fields=runs_text.WITH_PROMPT if include_prompt else runs_text.LISTED)
    if stored is not None:  # the stored documents passed on as they are (runs_text)
        total = await service.count(statuses)
        answer = await asyncio.to_thread(runs_text.unless_secret, lambda: runs_text.listing_text(
            stored, include_prompt=include_prompt, total=total, limit=limit, offset=offset),
            request.app[SECRETS].redact_json)
        if answer is not None:
            return await text_answer(request, answer)
        del stored, answer
    jobs = await service.list(statuses=statuses, limit=limit, offset=offset, newest_first=True,
                              prompt=include_prompt)
    nodes = sum(carried_nodes(j.prompt, j.outputs) for j in jobs)
    held = [{"jobs": [job_json(j, include_prompt=include_prompt) for j in jobs],
             "total": await service.count(statuses), "limit": limit, "offset": offset}, jobs]
    del jobs  # the answer frees the records off the loop (streaming.sole_answer)
    return await redacted_answer(request, held, redact=request.app[SECRETS].redact_json, nodes=nodes)


@routes.get("/api/runs/{job_id}")
async def get_job(request: web.Request) -> web.StreamResponse:
    stored = await request.app[RUNTIME].jobs.list_text(job_id=request.match_info["job_id"],
                                                       fields=runs_text.WITH_PROMPT)
    if stored:  # the stored documents passed on as they are (runs_text)
        row = stored[0]
        answer = await asyncio.to_thread(runs_text.unless_secret, lambda: runs_text.job_text(
            row, include_prompt=True), request.app[SECRETS].redact_json)
        if answer is not None:
            return await text_answer(request, answer)
        del stored, row, answer
    job = await _job(request)
    nodes = carried_nodes(job.prompt, job.outputs)
    held = [job_json(job, include_prompt=True), job]
    del job  # the answer frees the record off the loop (streaming.sole_answer)
    return await redacted_answer(request, held, redact=request.app[SECRETS].redact_json, nodes=nodes)


@routes.post("/api/runs/{job_id}/cancel")
async def cancel_job(request: web.Request) -> web.Response:
    """Queued → cancelled at once; running → interrupted (waits up to
    INTERRUPT_WAIT_S for the run to stop, else answers ``running`` with
    ``interrupt_requested``); finished → 409."""
    job_id = request.match_info["job_id"]
    jobs = request.app[RUNTIME].jobs
    status = await jobs.cancel(job_id)
    if status is None:
        fail(404, f"no job {job_id!r}")
    if status is JobStatus.RUNNING:
        status = await _wait_for_end(jobs, job_id)
    elif status is not JobStatus.CANCELLED:
        fail(409, f"job {job_id!r} has already finished ({status.value})", job_status=status.value)
    return web.json_response({"id": job_id, "status": status.value,
                              "interrupt_requested": status is JobStatus.RUNNING})


@routes.post("/api/runs/{job_id}/retry")
async def retry_job(request: web.Request) -> web.Response:
    """Submit a finished job's prompt and extra data again as a new job."""
    job = await _job(request)
    if not job.status.finished:
        fail(409, f"job {job.id!r} is {job.status.value}; only finished jobs can be retried",
             job_status=job.status.value)
    result = await request.app[RUNTIME].jobs.submit(
        job.prompt, client_id=job.client_id, extra_data=dict(job.extra_data),
        partial_targets=job.outputs_to_execute or None)
    if not result.accepted:
        return _redacted(request, {"error": result.error, "node_errors": result.node_errors}, status=400)
    return web.json_response({"id": result.prompt_id, "retry_of": job.id, "status": JobStatus.QUEUED.value,
                              "number": plain_number(result.number)})


async def _wait_for_end(jobs: Any, job_id: str) -> JobStatus:
    try:
        status: JobStatus = (await jobs.wait(job_id, timeout_s=INTERRUPT_WAIT_S)).status
        return status
    except (asyncio.TimeoutError, JobError):
        return await jobs.status(job_id) or JobStatus.RUNNING


async def _job(request: web.Request) -> JobRecord:
    job_id = request.match_info["job_id"]
    job = await request.app[RUNTIME].jobs.get(job_id)
    if job is None:
        fail(404, f"no job {job_id!r}")
    return job


def _redacted(request: web.Request, body: Any, *, status: int = 200) -> web.Response:
    return web.json_response(request.app[SECRETS].redact_json(body), status=status)


def _statuses(raw: str | None) -> list[JobStatus] | None:
    if not raw:
        return None
    names = [s.strip() for s in raw.split(",") if s.strip()]
    unknown = [n for n in names if n not in {s.value for s in JobStatus}]
    if unknown:
        fail(400, f"unknown job status {unknown[0]!r}; statuses are {', '.join(s.value for s in JobStatus)}")
    return [JobStatus(n) for n in names]

