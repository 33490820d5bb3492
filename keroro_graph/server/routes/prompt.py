"""POST/GET ``/prompt``: submit a graph (ComfyUI's request and response shapes) and
read the queue's size."""
from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from aiohttp import web

from ..errors import fail, json_object
from ..keys import HUB, RUNTIME

routes = web.RouteTableDef()

#: How long after its answer is written a job's first WebSocket message may follow: the
#: client reads the answer, parses it and registers the prompt id before that message
#: must find it (ComfyUI's own start-up lag gives clients a few milliseconds). Clients
#: that read the socket in another thread (comfy-script) can wait a whole GIL switch
#: interval (5 ms) before their main thread runs again, hence two of them. Only a job
#: whose messages start within this time of its answer is delayed, and only by it.
ANNOUNCE_GRACE_S = 0.010
_NO_PROMPT = {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                        "extra_info": {}}, "node_errors": {}}


@routes.post("/prompt")
async def post_prompt(request: web.Request) -> web.Response:
    """Accept a prompt. Its WebSocket messages are held back until this answer has been
    written (ComfyUI's order: clients such as comfy-script hang when ``execution_start``
    or even the final ``executing`` of a cached run comes before the prompt id)."""
    body = await json_object(request)
    if "prompt" not in body:
        return web.json_response(_NO_PROMPT, status=400)
    options = dict(client_id=_optional(body, "client_id", str), extra_data=_optional(body, "extra_data", dict),
                   number=_number(body.get("number")), front=bool(body.get("front")),
                   partial_targets=_targets(body.get("partial_execution_targets")))
    job_id = _prompt_id(body) or str(uuid.uuid4())
    hub = request.app[HUB]
    hub.hold(job_id)
    try:
        result = await request.app[RUNTIME].jobs.submit(body["prompt"], prompt_id=job_id, **options)
        response = web.json_response(result.as_json(), status=200 if result.accepted else 400)
        await response.prepare(request)
        await response.write_eof()
    finally:
        asyncio.get_running_loop().call_later(ANNOUNCE_GRACE_S, hub.release, job_id)
    return response


@routes.get("/prompt")
async def get_prompt(request: web.Request) -> web.Response:
    remaining = await request.app[RUNTIME].jobs.queue_remaining()
    return web.json_response({"exec_info": {"queue_remaining": remaining}})


def _optional(body: dict[str, Any], key: str, kind: type) -> Any:
    value = body.get(key)
    if value is not None and not isinstance(value, kind):
        fail(400, f"'{key}' must be a {'string' if kind is str else 'JSON object'}, got {type(value).__name__}")
    return value


#: Characters a route's ``{id}`` segment cannot carry (aiohttp matches ``[^{}/]+`` on the
#: decoded path), plus control characters: an id holding one could never be read back.
_UNREACHABLE_ID = re.compile(r"[/{}\\\x00-\x1f\x7f]")
MAX_PROMPT_ID_CHARS = 200


def _prompt_id(body: dict[str, Any]) -> str | None:
    """A client-chosen ``prompt_id`` that every route (``/history/{id}``,
    ``/api/runs/{id}``, ``/api/jobs/{id}``, cancel) can address, or a 400."""
    value: str | None = _optional(body, "prompt_id", str)
    if value is None:
        return None
    if not value.strip() or len(value) > MAX_PROMPT_ID_CHARS or _UNREACHABLE_ID.search(value) \
            or value != value.strip():
        fail(400, f"'prompt_id' must be 1-{MAX_PROMPT_ID_CHARS} characters without '/', '\\', '{{', '}}', "
                  "control characters or surrounding spaces, so that every route can address the job")
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        fail(400, f"'number' must be a number, got {value!r}")
    return float(value)


def _targets(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        fail(400, "'partial_execution_targets' must be a list of node ids")
    return [str(v) for v in value]
