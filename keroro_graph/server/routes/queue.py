"""GET/POST ``/queue`` and POST ``/interrupt``: what runs and waits (sorted in run
order, credentials never shown), clearing and deleting pending items, interrupting."""
from __future__ import annotations

from aiohttp import web

from ...jobs.backend import JobStatus
from ...jobs.wire import queue_item
from ..errors import fail, json_object
from ..keys import RUNTIME
from ..streaming import carried_nodes, sole_answer

routes = web.RouteTableDef()


@routes.get("/queue")
async def get_queue(request: web.Request) -> web.StreamResponse:
    jobs = request.app[RUNTIME].jobs
    running = await jobs.list(statuses=[JobStatus.RUNNING])
    pending = await jobs.list(statuses=[JobStatus.QUEUED])
    nodes = sum(carried_nodes(j.prompt) for j in [*running, *pending])
    held = [{"queue_running": [queue_item(j) for j in running],
             "queue_pending": [queue_item(j) for j in pending]}, running, pending]
    del running, pending  # the answer frees the records off the loop (streaming.sole_answer)
    return await sole_answer(request, held, nodes=nodes)


@routes.post("/queue")
async def post_queue(request: web.Request) -> web.Response:
    body = await json_object(request)
    jobs = request.app[RUNTIME].jobs
    cleared = await jobs.clear_queue() if body.get("clear") else 0
    deleted = 0
    if "delete" in body:
        ids = body["delete"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            fail(400, "'delete' must be a list of prompt ids")
        deleted = await jobs.delete_queued(ids)
    return web.json_response({"cleared": cleared, "deleted": deleted})


@routes.post("/interrupt")
async def post_interrupt(request: web.Request) -> web.Response:
    body = await json_object(request, required=False)
    prompt_id = body.get("prompt_id")
    if prompt_id is not None and not isinstance(prompt_id, str):
        fail(400, "'prompt_id' must be a string")
    interrupted = request.app[RUNTIME].jobs.interrupt(prompt_id)
    return web.json_response({"interrupted": interrupted})
