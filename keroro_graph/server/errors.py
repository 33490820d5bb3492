"""JSON error answers: every 4xx/5xx the server gives has a body that says what is
wrong (ComfyUI mostly sends empty bodies; clients deserve better)."""
from __future__ import annotations

import json
from typing import Any, NoReturn

from aiohttp import web

_REASONS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
            415: "unsupported_media_type", 500: "internal_error"}
_CLASSES: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden,
    404: web.HTTPNotFound, 409: web.HTTPConflict, 415: web.HTTPUnsupportedMediaType}


def error_body(status: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"type": _REASONS.get(status, "error"), "message": message, **extra}}


def json_error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response(error_body(status, message, **extra), status=status)


def fail(status: int, message: str, **extra: Any) -> NoReturn:
    """Abort the request with ``status`` and a JSON body naming the problem."""
    cls = _CLASSES.get(status, web.HTTPBadRequest)
    raise cls(text=json.dumps(error_body(status, message, **extra)), content_type="application/json")


async def json_body(request: web.Request, *, required: bool = True) -> Any:
    """The request's JSON body; a 400 naming the problem when it is not JSON."""
    raw = await request.read()
    if not raw:
        if required:
            fail(400, "request body must be JSON (it is empty)")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        fail(400, f"request body is not valid JSON: {exc}")


async def json_object(request: web.Request, *, required: bool = True) -> dict[str, Any]:
    body = await json_body(request, required=required)
    if not isinstance(body, dict):
        fail(400, f"request body must be a JSON object, got {type(body).__name__}")
    return body
