"""``keroro-graph mcp``: serve the MCP tools over stdio (desktop assistants) or
streamable HTTP (remote ones). The tools talk to a running server (``--server``,
with ``--token``), or with ``--embedded`` to one started in this process on a free
loopback port with the user's settings. Over HTTP the SDK's DNS-rebinding
protection stays on (Host and Origin must be loopback or an ``--allowed-host``),
and ``--http-token`` makes every request carry ``Authorization: Bearer``; listening
beyond loopback without one is refused."""
from __future__ import annotations

import hmac
import ipaddress
import os
import sys
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import anyio

from ..settings import Settings
from .client import KeroroClient
from .context import Limits
from .server import Connect, build_server

DEFAULT_SERVER = "http://127.0.0.1:8188"
DEFAULT_HTTP_PORT = 8189
MCP_PATH = "/mcp"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (the MCP HTTP listener's own check; the
    server package is not imported unless --embedded asks for it). An empty host binds
    every interface, so it is not loopback."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def remote(url: str, token: str | None) -> Connect:
    """Connect to a running Keroro Graph server."""
    @asynccontextmanager
    async def connect() -> AsyncIterator[KeroroClient]:
        async with KeroroClient(url, token=token) as client:
            yield client
    return connect


def embedded(settings: Settings) -> Connect:
    """Start a server in this process on a free loopback port for the MCP server's
    lifetime (through the app factory, as ``serve`` does) and connect to it."""
    @asynccontextmanager
    async def connect() -> AsyncIterator[KeroroClient]:
        from aiohttp import web

        from ..server.app import create_app

        runner = web.AppRunner(create_app(settings), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = runner.addresses[0][1]
            async with KeroroClient(f"http://127.0.0.1:{port}", token=settings.token) as client:
                yield client
        finally:
            await runner.cleanup()
    return connect


def limits_from(args: Any) -> Limits:
    """The result limits asked for on the command line (defaults otherwise)."""
    defaults = Limits()
    preview = getattr(args, "preview_budget_kib", None)
    resource = getattr(args, "resource_max_mib", None)
    return Limits(preview_budget_bytes=preview * 1024 if preview is not None else defaults.preview_budget_bytes,
                  resource_max_bytes=resource * 2**20 if resource is not None else defaults.resource_max_bytes)


def mcp_command(args: Any) -> int:
    """Run until stdin closes (stdio) or the process is stopped (http)."""
    http_token = args.http_token or os.environ.get("KERORO_MCP_TOKEN") or None
    if args.transport == "http" and not is_loopback(args.host) and not http_token:
        sys.stderr.write(f"error: refusing to serve MCP on {args.host} without a bearer token; "
                         "pass --http-token or set KERORO_MCP_TOKEN\n")
        return 2
    if args.embedded:
        settings = Settings.from_env(user_dir=args.user_dir, custom_nodes_dirs=args.custom_nodes_dir or None,
                                     host="127.0.0.1", token=args.token)
        connect = embedded(settings)
    else:
        connect = remote(args.server or DEFAULT_SERVER, args.token or os.environ.get("KERORO_TOKEN") or None)
    server = build_server(connect, limits=limits_from(args))
    if args.transport == "stdio":
        anyio.run(server.run_stdio_async)
    else:
        anyio.run(lambda: serve_http(server, host=args.host, port=args.port or DEFAULT_HTTP_PORT,
                                     token=http_token, allowed_hosts=args.allowed_host or []))
    return 0


async def serve_http(server: Any, *, host: str, port: int, token: str | None, allowed_hosts: list[str]) -> None:
    """Streamable HTTP at ``http://host:port/mcp`` until cancelled."""
    import uvicorn
    from mcp.server.transport_security import TransportSecuritySettings

    names = [*_LOOPBACK_HOSTS, *([host] if not is_loopback(host) and host not in ("0.0.0.0", "::") else []),
             *allowed_hosts]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[h for name in names for h in (name, f"{name}:*")],
        allowed_origins=[o for name in names for scheme in ("http", "https") for o in (f"{scheme}://{name}",
                                                                                      f"{scheme}://{name}:*")])
    app = server.streamable_http_app(streamable_http_path=MCP_PATH, transport_security=security, host=host)
    if token:
        app = BearerGate(app, token)
    sys.stderr.write(f"Keroro Graph MCP (streamable HTTP) at http://{host}:{port}{MCP_PATH}\n")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    await uvicorn.Server(config).serve()


class BearerGate:
    """ASGI wrapper: HTTP requests without ``Authorization: Bearer <token>`` get 401."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                await _unauthorized(send)
                return
        await self.app(scope, receive, send)


async def _unauthorized(send: Any) -> None:
    body = b'{"error": "an MCP bearer token is required: send Authorization: Bearer <token>"}'
    await send({"type": "http.response.start", "status": 401,
                "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
