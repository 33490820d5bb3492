"""JSON error answers: every 4xx/5xx the server gives has a body that says what is
wrong (ComfyUI mostly sends empty bodies; clients deserve better)."""
from __future__ import annotations

import asyncio
import json
import math
import re
from typing import Any, Callable, NoReturn, overload

from aiohttp import web

from .. import jsonpieces

_REASONS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
            415: "unsupported_media_type", 421: "misdirected_request", 500: "internal_error"}
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
    if len(raw) >= jsonpieces.LARGE:  # parsed in pieces off the loop (a 200k-node graph: seconds)
        return await asyncio.to_thread(parse_json, raw, "request body")
    return parse_json(raw, "request body")


#: A \uD800-\uDFFF escape: the text may hold a lone surrogate, which no store,
#: file or UTF-8 answer can carry.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def parse_json(raw: bytes | str, what: str) -> Any:
    """``raw`` parsed as JSON, or a 400 naming ``what`` and the problem: invalid
    syntax or encoding, nesting too deep for the parser, or a string holding a lone
    UTF-16 surrogate (``"\\ud800"``) that could not be stored or sent back."""
    try:
        doc = jsonpieces.loads(raw)
    except RecursionError:
        fail(400, f"{what} is nested too deeply")
    except (ValueError, UnicodeDecodeError) as exc:
        fail(400, f"{what} is not valid JSON: {exc}")
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    if _found(_SURROGATE_ESCAPE, data):
        where = _first(doc, lambda v: isinstance(v, str) and not _encodable(v))
        if where is not None:
            fail(400, f"{what} holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape) at {where}; "
                      "strings must be valid Unicode")
    if _found(_NON_FINITE, data):
        where = _first(doc, lambda v: isinstance(v, float) and not math.isfinite(v))
        if where is not None:
            fail(400, f"{what} holds NaN or Infinity at {where} (a literal Python's json writes, or a number "
                      "too large for a 64-bit float); JSON numbers must be finite, and no browser could read "
                      "an answer carrying it back")
    return doc


#: Where a parsed document may hold a float that is not finite: the literals Python's
#: json reads (NaN, Infinity, -Infinity) or an exponent of three digits or more.
_NON_FINITE = re.compile(rb"NaN|Infinity|[0-9][eE][+]?[0-9]{3}")


def _found(pattern: re.Pattern[bytes], data: bytes) -> bool:
    """Whether ``pattern`` (matches of at most 16 bytes) occurs in ``data``; a large body
    is searched a piece at a time (one search of a 15 MB body holds the GIL, and so the
    event loop, ~120 ms; pieces overlap by 16 bytes, so no match is missed)."""
    if len(data) < jsonpieces.LARGE:
        return pattern.search(data) is not None
    step = 1 << 18
    return any(pattern.search(data, start, start + step + 16) for start in range(0, len(data), step))


def _first(doc: Any, bad: Callable[[Any], bool]) -> str | None:
    """The JSON path of the first value (or key) for which ``bad`` holds."""
    stack: list[tuple[str, Any]] = [("$", doc)]
    while stack:
        path, value = stack.pop()
        if bad(value):
            return path[:300]
        if isinstance(value, dict):
            for key, item in value.items():
                if bad(key):
                    return f"{path[:300]} (a key)"
                stack.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: The largest whole number a query parameter is taken as (the job store's integers are
#: 64-bit): a larger one means "all of them".
QUERY_INT_CAP = 2**62


@overload
def int_query(request: web.Request, name: str, default: int, *, low: int | None = None,
              high: int | None = None) -> int: ...
@overload
def int_query(request: web.Request, name: str, default: None, *, low: int | None = None,
              high: int | None = None) -> int | None: ...
def int_query(request: web.Request, name: str, default: int | None, *, low: int | None = None,
              high: int | None = None) -> int | None:
    """Query parameter ``name`` as a whole number (``default`` when absent or empty); a 400
    naming it when it is not one or lies outside [low, high]. Values above
    :data:`QUERY_INT_CAP` are taken as the cap."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        fail(400, f"query parameter {name} must be a whole number, got {raw[:100]!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        fail(400, f"query parameter {name} must be between {low if low is not None else 'any'} and "
                  f"{high if high is not None else 'any'}, got {value if abs(value) < 10**30 else raw[:40]}")
    return min(value, QUERY_INT_CAP)


async def json_object(request: web.Request, *, required: bool = True) -> dict[str, Any]:
    body = await json_body(request, required=required)
    if not isinstance(body, dict):
        fail(400, f"request body must be a JSON object, got {type(body).__name__}")
    return body
