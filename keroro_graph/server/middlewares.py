"""Request middlewares, outermost first: errors as JSON, the access token, and the
cross-origin rule (ComfyUI's: a loopback Host with a different Origin host is refused
for state-changing requests and WebSocket upgrades)."""
from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from .errors import error_body, json_error
from .keys import SETTINGS

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        if exc.status == 413:
            message = f"request body is larger than the limit of {request.app[SETTINGS].max_body_bytes} bytes"
        return web.json_response(error_body(exc.status, message), status=exc.status, headers=_keep(exc))
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return json_error(500, "internal error; the server log has the details")


def _keep(exc: web.HTTPException) -> dict[str, str]:
    return {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}


@web.middleware
async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.app[SETTINGS].token
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or \
            request.query.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return json_error(401, "an access token is required: send 'Authorization: Bearer <token>' "
                                   "or ?token=<token>")
    return await handler(request)


@web.middleware
async def refuse_cross_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
    is_upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
    if request.method not in _SAFE_METHODS or is_upgrade:
        host, origin = request.headers.get("Host"), request.headers.get("Origin")
        if host and origin and is_loopback(_hostname(f"//{host}")) and \
                _hostname(origin) != _hostname(f"//{host}"):
            return json_error(403, f"cross-origin request from {origin} refused")
    return await handler(request)


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
