"""GET/POST ``/history`` and ``/history/{prompt_id}``: finished jobs in ComfyUI's
shape, oldest first, with ``max_items``/``offset`` paging, clearing and deleting.
Unlike ComfyUI's, history lives in the job store and survives restarts."""
from __future__ import annotations

from aiohttp import web

from ...jobs.backend import JobStatus
from ...jobs.wire import history_entry, history_entry_text
from ..errors import fail, int_query, json_object
from ..keys import RUNTIME
from ..streaming import carried_nodes, sole_answer, stored_answer

routes = web.RouteTableDef()
HISTORY = (JobStatus.SUCCESS, JobStatus.ERROR, JobStatus.INTERRUPTED)


@routes.get("/history")
async def get_history(request: web.Request) -> web.StreamResponse:
    service = request.app[RUNTIME].jobs
    max_items = int_query(request, "max_items", None)
    offset = int_query(request, "offset", -1)
    if max_items is not None and max_items < 0:
        fail(400, "max_items must not be negative")
    if offset is None or offset < 0:
        total = await service.count(HISTORY)
        offset = max(0, total - max_items) if max_items is not None else 0
    stored = await service.list_text(statuses=HISTORY, limit=max_items, offset=offset)
    if stored is not None:  # the stored documents passed on as they are, never decoded
        return await stored_answer(request, [(job["id"], history_entry_text(job)) for job in stored])
    jobs = await service.list(statuses=HISTORY, limit=max_items, offset=offset)
    nodes = sum(carried_nodes(job.prompt, job.outputs) for job in jobs)
    held = [{job.id: history_entry(job) for job in jobs}, jobs]
    del jobs  # the answer frees the records off the loop (streaming.sole_answer)
    return await sole_answer(request, held, nodes=nodes)


@routes.get("/history/{prompt_id}")
async def get_history_item(request: web.Request) -> web.StreamResponse:
    jobs, prompt_id = request.app[RUNTIME].jobs, request.match_info["prompt_id"]
    stored = await jobs.list_text(job_id=prompt_id)
    if stored is not None:  # the stored documents passed on as they are, never decoded
        found = [(row["id"], history_entry_text(row)) for row in stored if JobStatus(row["status"]) in HISTORY]
        return await stored_answer(request, found) if found else web.json_response({})
    job = await jobs.get(prompt_id)
    if job is None or job.status not in HISTORY:
        return web.json_response({})
    nodes = carried_nodes(job.prompt, job.outputs)
    held = [{job.id: history_entry(job)}, job]
    del job  # the answer frees the record off the loop (streaming.sole_answer)
    return await sole_answer(request, held, nodes=nodes)


@routes.post("/history")
async def post_history(request: web.Request) -> web.Response:
    body = await json_object(request)
    jobs = request.app[RUNTIME].jobs
    cleared = await jobs.forget_all(HISTORY) if body.get("clear") else 0
    deleted = 0
    if "delete" in body:
        ids = body["delete"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            fail(400, "'delete' must be a list of prompt ids")
        finished = [i for i in ids if await jobs.status(i) in HISTORY]
        deleted = await jobs.forget(finished)
    return web.json_response({"cleared": cleared, "deleted": deleted})
