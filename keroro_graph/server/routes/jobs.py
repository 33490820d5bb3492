"""``/api/jobs``: ComfyUI's Jobs API over our job store — list with ComfyUI's statuses
(``pending``, ``in_progress``, ``completed``, ``failed``, ``cancelled``), filters,
sorting and ``pagination``; one job with its outputs and workflow; idempotent cancel
of one job or a batch. Our own operations (retry, our statuses) live at ``/api/runs``."""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiohttp import web

from ...jobs.backend import JobRecord, JobStatus
from ...jobs.wire import history_entry
from ...jobs.wire import plain_number
from ..errors import fail, json_body
from ...heap import release
from ..keys import RUNTIME, SECRETS
from ..streaming import LARGE_NODES, carried_nodes, redacted_answer

routes = web.RouteTableDef()

PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED = "pending", "in_progress", "completed", "failed", "cancelled"
COMFY_STATUSES = (PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED)
#: ComfyUI's status → ours (an interrupted run is "cancelled" there, as is a dequeued one).
OURS = {PENDING: (JobStatus.QUEUED,), IN_PROGRESS: (JobStatus.RUNNING,), COMPLETED: (JobStatus.SUCCESS,),
        FAILED: (JobStatus.ERROR,), CANCELLED: (JobStatus.INTERRUPTED, JobStatus.CANCELLED)}
THEIRS = {ours: theirs for theirs, group in OURS.items() for ours in group}
PREVIEWABLE = frozenset({"images", "video", "audio", "3d", "text"})
PREVIEW_EXTENSIONS = (".obj", ".fbx", ".gltf", ".glb", ".usdz", ".txt", ".md", ".json")
TEXT_PREVIEW_MAX = 1024


def comfy_job(job: JobRecord, *, detail: bool = False) -> dict[str, Any]:
    """One job as ComfyUI's Jobs API shows it (absent values are left out, as there)."""
    status = THEIRS[job.status]
    out: dict[str, Any] = {"id": job.id, "status": status, "priority": plain_number(job.number),
                           "create_time": _create_time(job), "outputs_count": 0}
    finished = job.status.finished and job.status is not JobStatus.CANCELLED
    if finished:
        start, end, error = _times_and_error(job)
        count, preview = outputs_summary(job.outputs)
        out.update(execution_start_time=start, execution_end_time=end, execution_error=error,
                   outputs_count=count, preview_output=preview)
    out["workflow_id"] = _workflow_id(job)
    if detail and finished:
        out["outputs"] = job.outputs
        out["execution_status"] = history_entry(job)["status"]
        out["workflow"] = {"prompt": job.prompt, "extra_data": job.extra_data}
    return {k: v for k, v in out.items() if v is not None}


def outputs_summary(outputs: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    """How many output items a job left, and the one to preview: the first previewable
    ``type: output`` file, else the first previewable item (text included)."""
    count, preview, fallback = 0, None, None
    for node_id, node_out in outputs.items():
        if not isinstance(node_out, dict):
            continue
        for media, items in node_out.items():
            if media == "animated" or not isinstance(items, list):
                continue
            for item in items:
                if not isinstance(item, dict):
                    if media == "text" and fallback is None and item is not None:
                        text = str(item[0] if isinstance(item, (list, tuple)) and item else item)
                        fallback = {"content": text[:TEXT_PREVIEW_MAX], "nodeId": node_id, "mediaType": media}
                        if len(text) > TEXT_PREVIEW_MAX:
                            fallback["truncated"] = True
                    continue
                count += 1
                if preview is None and _previewable(media, item):
                    enriched = {**item, "nodeId": node_id, "mediaType": item.get("mediaType", media)}
                    if item.get("type") == "output":
                        preview = enriched
                    elif fallback is None:
                        fallback = enriched
    return count, preview or fallback


@routes.get("/api/jobs")
async def list_jobs(request: web.Request) -> web.Response:
    query = request.query
    wanted = _status_filter(query.get("status"))
    sort_by = query.get("sort_by", "created_at").lower()
    sort_order = query.get("sort_order", "desc").lower()
    if sort_by not in ("created_at", "execution_duration"):
        fail(400, "sort_by must be 'created_at' or 'execution_duration'")
    if sort_order not in ("asc", "desc"):
        fail(400, "sort_order must be 'asc' or 'desc'")
    limit = _int(query, "limit", None)
    if limit is not None and limit <= 0:
        fail(400, "limit must be a positive integer")
    offset = max(0, _int(query, "offset", 0) or 0)
    statuses = [ours for theirs in wanted for ours in OURS[theirs]]
    records = await request.app[RUNTIME].jobs.list(statuses=statuses, prompt=False)  # the list never shows it
    # create_time is in ms: two jobs created within one ms keep their order of creation;
    # summing up a large job's outputs (100k entries) is done in a worker thread
    def summed() -> list[tuple[dict[str, Any], float]]:
        return [(comfy_job(r), r.created_at) for r in records]
    large = sum(carried_nodes(r.outputs) for r in records) >= LARGE_NODES
    keyed = await asyncio.to_thread(summed) if large else summed()
    held = [records]
    del records  # a large job's outputs are freed off the loop
    release(held)
    if workflow_id := query.get("workflow_id"):
        keyed = [(j, at) for j, at in keyed if j.get("workflow_id") == workflow_id]
    keyed.sort(key=(lambda pair: _duration(pair[0])) if sort_by == "execution_duration"
               else (lambda pair: (_created(pair[0]), pair[1])), reverse=sort_order == "desc")
    jobs = [job for job, _at in keyed]
    total = len(jobs)
    page = jobs[offset:offset + limit] if limit is not None else jobs[offset:]
    return _redacted(request, {"jobs": page, "pagination": {
        "offset": offset, "limit": limit, "total": total, "has_more": offset + len(page) < total}})


@routes.get("/api/jobs/{job_id}")
async def get_job(request: web.Request) -> web.StreamResponse:
    job = await request.app[RUNTIME].jobs.get(request.match_info["job_id"])
    if job is None:
        fail(404, "Job not found")
    nodes = carried_nodes(job.prompt, job.outputs)
    held = [comfy_job(job, detail=True), job]
    del job  # the answer frees the record off the loop (streaming.sole_answer)
    return await redacted_answer(request, held, redact=request.app[SECRETS].redact_json, nodes=nodes)


@routes.post("/api/jobs/{job_id}/cancel")
async def cancel_one(request: web.Request) -> web.Response:
    """Idempotent: a finished or unknown id answers ``{"cancelled": false}``."""
    return web.json_response({"cancelled": await _cancel(request, request.match_info["job_id"])})


@routes.post("/api/jobs/cancel")
async def cancel_batch(request: web.Request) -> web.Response:
    body = await json_body(request)
    ids = body.get("job_ids") if isinstance(body, dict) else None
    if not isinstance(ids, list):
        fail(400, "job_ids must be a list")
    invalid = [i if isinstance(i, str) else repr(i) for i in ids if not _canonical_uuid(i)]
    if invalid:
        fail(400, "job_ids contains invalid id(s)", invalid_ids=invalid)
    cancelled = False
    for job_id in ids:
        cancelled = await _cancel(request, job_id) or cancelled
    return web.json_response({"cancelled": cancelled})


async def _cancel(request: web.Request, job_id: str) -> bool:
    jobs = request.app[RUNTIME].jobs
    before = await jobs.status(job_id)
    if before is None or before.finished:
        return False
    after = await jobs.cancel(job_id)
    return after in (JobStatus.CANCELLED, JobStatus.RUNNING)


def _times_and_error(job: JobRecord) -> tuple[Any, Any, Any]:
    start = int(job.started_at * 1000) if job.started_at is not None else None
    end = int(job.finished_at * 1000) if job.finished_at is not None else None
    error = None
    for entry in job.messages:
        if not (isinstance(entry, (list, tuple)) and len(entry) >= 2 and isinstance(entry[1], dict)):
            continue
        name, data = entry[0], entry[1]
        if name == "execution_start":
            start = data.get("timestamp", start)
        elif name in ("execution_success", "execution_error", "execution_interrupted"):
            end = data.get("timestamp", end)
            if name == "execution_error":
                error = {**data, "node_id": str(data.get("node_id") or ""),
                         "node_type": str(data.get("node_type") or ""),
                         "exception_message": str(data.get("exception_message") or ""),
                         "exception_type": str(data.get("exception_type") or ""),
                         "traceback": [str(t) for t in data.get("traceback") or []]}
    return start, end, error


def _create_time(job: JobRecord) -> int:
    given = job.extra_data.get("create_time")
    return given if isinstance(given, int) and not isinstance(given, bool) else int(job.created_at * 1000)


def _workflow_id(job: JobRecord) -> str | None:
    info = job.extra_data.get("extra_pnginfo")
    workflow = info.get("workflow") if isinstance(info, dict) else None
    wid = workflow.get("id") if isinstance(workflow, dict) else None
    return wid if isinstance(wid, str) else None


def _previewable(media: str, item: dict[str, Any]) -> bool:
    fmt = item.get("format")
    name = str(item.get("filename", "")).lower()
    return (media in PREVIEWABLE or (isinstance(fmt, str) and fmt.startswith(("video/", "audio/")))
            or name.endswith(PREVIEW_EXTENSIONS))


def _created(job: dict[str, Any]) -> int:
    return int(job.get("create_time", 0))


def _duration(job: dict[str, Any]) -> int:
    start, end = job.get("execution_start_time"), job.get("execution_end_time")
    return end - start if start and end else 0


def _status_filter(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return COMFY_STATUSES
    names = tuple(s.strip().lower() for s in raw.split(",") if s.strip())
    invalid = [n for n in names if n not in COMFY_STATUSES]
    if invalid:
        fail(400, f"Invalid status value(s): {', '.join(invalid)}. Valid values: {', '.join(COMFY_STATUSES)}")
    return names


def _int(query: Any, name: str, default: int | None) -> int | None:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        fail(400, f"{name} must be an integer")


def _canonical_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _redacted(request: web.Request, body: Any) -> web.Response:
    return web.json_response(request.app[SECRETS].redact_json(body))
