"""POST/GET ``/prompt``: submit a graph (ComfyUI's request and response shapes) and
read the queue's size."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import fail, json_object
from ..keys import RUNTIME

routes = web.RouteTableDef()

_NO_PROMPT = {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                        "extra_info": {}}, "node_errors": {}}


@routes.post("/prompt")
async def post_prompt(request: web.Request) -> web.Response:
    body = await json_object(request)
    if "prompt" not in body:
        return web.json_response(_NO_PROMPT, status=400)
    result = await request.app[RUNTIME].jobs.submit(
        body["prompt"], client_id=_optional(body, "client_id", str),
        extra_data=_optional(body, "extra_data", dict), prompt_id=_optional(body, "prompt_id", str),
        number=_number(body.get("number")), front=bool(body.get("front")),
        partial_targets=_targets(body.get("partial_execution_targets")))
    return web.json_response(result.as_json(), status=200 if result.accepted else 400)


@routes.get("/prompt")
async def get_prompt(request: web.Request) -> web.Response:
    remaining = await request.app[RUNTIME].jobs.queue_remaining()
    return web.json_response({"exec_info": {"queue_remaining": remaining}})


def _optional(body: dict[str, Any], key: str, kind: type) -> Any:
    value = body.get(key)
    if value is not None and not isinstance(value, kind):
        fail(400, f"'{key}' must be a {'string' if kind is str else 'JSON object'}, got {type(value).__name__}")
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
