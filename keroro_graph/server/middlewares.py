"""Request middlewares, outermost first: reading what a handler left of the body, errors
as JSON, the access token, the Host rule (DNS rebinding) and the cross-origin rule.

Without a token the server trusts only its own machine, so it must know a request
really comes from a page on this machine: a page whose domain an attacker re-points
at 127.0.0.1 sends ``Host: evil.example:8188``. Such requests are refused (421) unless
the name is loopback or given with ``--allowed-host``. The cross-origin rule is
ComfyUI's, with the port compared too: when Host is one of ours, a state-changing
request or WebSocket upgrade whose Origin is another host:port is refused (403)."""
from __future__ import annotations

import asyncio
import functools
import hmac
import ipaddress
import logging
from typing import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from .errors import error_body, json_error
from .keys import SETTINGS
from .routes.media_links import is_public_link

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


#: An answer given before its request's body was read to the end: up to this much of
#: the rest is read (within _DRAIN_S) so the connection can carry the next request.
_DRAIN_BYTES = 1 << 20
_DRAIN_S = 1.0


@web.middleware
async def settle_unread_body(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: a handler may answer (a 4xx, mostly) without reading the body. aiohttp
    then reads the rest after the answer, and if that rest is broken (a Content-Encoding
    the body is not in, bad chunking) it closes the connection — after an answer that
    said keep-alive, so the client's next request on it was lost. The rest is read here
    first; when it is broken, large or slow, the answer says ``Connection: close``."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # an answer too (refusals raised as JSON pass errors_as_json)
        await _settle(request, exc)
        raise
    await _settle(request, response)
    return response


async def _settle(request: web.Request, response: web.StreamResponse) -> None:
    if not request.body_exists or request.content.is_eof() or response.prepared:
        return
    try:
        left = _DRAIN_BYTES
        async with asyncio.timeout(_DRAIN_S):
            while left > 0 and (chunk := await request.content.readany()):
                left -= len(chunk)
        if not request.content.is_eof():
            response.force_close()
    except (web.RequestPayloadError, HttpProcessingError, TimeoutError):
        response.force_close()


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Exception as exc:
        if request.writer.output_size:
            # The answer had begun (a streamed body): a second one would land inside it and
            # leave the connection unreadable. aiohttp closes the connection instead, which
            # is how a client learns that the answer broke off.
            log.exception("the answer to %s %s broke off after it had begun", request.method, request.path)
            raise
        return _as_json(request, exc)


def _as_json(request: web.Request, exc: Exception) -> web.StreamResponse:
    """The JSON answer for what a handler raised (a JSON refusal or a success is raised on)."""
    if isinstance(exc, web.HTTPException):
        if exc.status < 400 or exc.content_type == "application/json":
            raise exc
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        if exc.status == 413:
            message = f"request body is larger than the limit of {request.app[SETTINGS].max_body_bytes} bytes"
        return web.json_response(error_body(exc.status, message), status=exc.status, headers=_keep(exc))
    if isinstance(exc, RecursionError):
        # A document the parser accepted but that is too deep for the code walking it.
        return json_error(400, "the request holds JSON nested too deeply")
    if isinstance(exc, (web.RequestPayloadError, HttpProcessingError)):
        # The body itself is broken (a Content-Encoding it is not in, a chunk that does not
        # parse): answer, and close the connection, since what follows on it cannot be read
        # (aiohttp would close it anyway, dropping the client's next request on it).
        reason = str(exc).strip().splitlines()[-1].strip() if str(exc).strip() else type(exc).__name__
        response = json_error(400, f"the request body cannot be read: {reason[:200]} "
                                   f"(Content-Encoding: {request.headers.get('Content-Encoding', 'none')[:40]})")
        response.force_close()
        return response
    log.error("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return json_error(500, "internal error; the server log has the details")


def _keep(exc: web.HTTPException) -> dict[str, str]:
    return {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after")}


@web.middleware
async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.app[SETTINGS].token
    if token and not is_public_link(request):
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or \
            request.query.get("token", "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
            return json_error(401, "an access token is required: send 'Authorization: Bearer <token>' "
                                   "or ?token=<token>")
    return await handler(request)


@web.middleware
async def refuse_foreign_host(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Loopback mode (no token): answer only requests addressed to a loopback name or
    an allowed host. Token mode is unchanged: the token is the guard there."""
    settings = request.app[SETTINGS]
    host = request.headers.get("Host")
    if not settings.token and host is not None and not is_our_host(host, settings.allowed_hosts) and \
            not is_public_link(request):
        return json_error(421, f"this server answers only requests addressed to localhost, 127.0.0.1 or "
                               f"[::1] (or an --allowed-host), not Host {host[:200]!r}; a web page may be "
                               "trying to reach it through DNS rebinding")
    return await handler(request)


@web.middleware
async def refuse_cross_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
    is_upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
    if request.method not in _SAFE_METHODS or is_upgrade:
        host, origin = request.headers.get("Host"), request.headers.get("Origin")
        if host and origin and is_our_host(host, request.app[SETTINGS].allowed_hosts) and \
                _origin_address(origin) != _host_address(host, _scheme(origin)):
            return json_error(403, f"cross-origin request from {origin[:200]} refused")
    return await handler(request)


def is_our_host(host_header: str, allowed: Iterable[str] = ()) -> bool:
    """Whether a ``Host`` header names this machine's loopback or an allowed host.
    An allowed entry is a name (any port) or ``name:port`` (that port only). Asked for
    every request with the same few headers, hence remembered (bounded)."""
    return _is_our_host(host_header, tuple(allowed))


@functools.lru_cache(maxsize=256)
def _is_our_host(host_header: str, allowed: tuple[str, ...]) -> bool:
    name, port = _host_address(host_header, "http")
    if not name:
        return False
    if is_loopback(name):
        return True
    for entry in allowed:
        want_name, want_port = _address(f"http://{entry.strip()}", default_port=False)
        if want_name == name and (want_port is None or want_port == port):
            return True
    return False


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address. An empty host is not loopback: binding to
    it listens on every interface."""
    host = host.strip().lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _scheme(origin: str) -> str:
    return origin.split(":", 1)[0].lower() if "://" in origin else "http"


def _host_address(host: str, scheme: str) -> tuple[str, int | None]:
    return _address(f"{scheme}://{host}")


def _origin_address(origin: str) -> tuple[str, int | None]:
    return _address(origin)


def _address(url: str, *, default_port: bool = True) -> tuple[str, int | None]:
    """(lower-case host name, port, with the scheme's default filled in unless
    ``default_port`` is False); ("", None) for anything that does not parse."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", None
    if port is None and default_port:
        port = _DEFAULT_PORTS.get(parts.scheme.lower())
    return (parts.hostname or "").lower(), port
