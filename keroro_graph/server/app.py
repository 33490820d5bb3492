"""The aiohttp application factory. State lives under typed AppKeys; the runtime (job
workers, engine) starts and stops in ``cleanup_ctx``; every route module's table is
mounted at its path and again under ``/api`` (ComfyUI's aliasing), except routes that
already live under ``/api`` (our own surface)."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import AsyncIterator

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from ..registry.loader import load_registry
from ..registry.registry import Registry
from ..runtime import build_runtime
from ..settings import Settings
from . import ws
from .hub import Hub
from .client_noise import contain_client_noise
from .comfy_frontend import add_comfy_frontend
from .keys import HUB, METRICS, PROVIDER_SETTINGS, REGISTRY, RUNTIME, SECRETS, SETTINGS
from .metrics import Metrics
from .middlewares import (errors_as_json, refuse_cross_origin, refuse_foreign_host, require_token,
                          settle_unread_body)
from .routes import (comfy_extras, convert, files, health, history, jobs, media_links, object_info, prompt, providers,
                     queue, runs, spend, system, templates, userdata, workflows)

log = logging.getLogger(__name__)

ROUTE_TABLES = (prompt.routes, queue.routes, history.routes, object_info.routes, system.routes,
                files.routes, userdata.routes, workflows.routes, templates.routes, providers.routes,
                runs.routes, jobs.routes, comfy_extras.routes, health.routes, convert.routes, spend.routes,
                media_links.routes, ws.routes)


def create_app(settings: Settings, *, registry: Registry | None = None) -> web.Application:
    """Build the server for ``settings``; ``registry`` skips loading packs (tests)."""
    app = web.Application(middlewares=[settle_unread_body, errors_as_json, require_token, refuse_foreign_host,
                                       refuse_cross_origin],
                          client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    contain_client_noise()
    if registry is None:  # packs load before the routes are mounted: they add their own
        registry = load_registry(builtin_dir=settings.builtin_nodes_dir, custom_dirs=settings.custom_nodes_dirs,
                                 paths=settings.paths)
    app[REGISTRY] = registry
    app.cleanup_ctx.append(run_runtime)
    app.on_shutdown.append(close_sockets)
    for table in ROUTE_TABLES:
        add_routes_with_api_alias(app, table)
    app.add_routes(comfy_extras.static_routes)
    add_pack_routes(app, registry)
    if settings.front_end == "comfy":
        add_comfy_frontend(app, settings.comfy_frontend_root)
    else:
        add_frontend(app, settings.web_dist)
    return app


def add_pack_routes(app: web.Application, registry: Registry) -> None:
    """Routes packs added to ``PromptServer.instance.routes``, at their path and under
    /api (ComfyUI's aliasing); ours win a clash. A bad route is logged and skipped."""
    for method, path, handler, kwargs in registry.pack_routes:
        for where in (path, "/api" + path):
            try:
                if method == "STATIC":
                    app.router.add_static(where, handler, **kwargs)
                else:
                    app.router.add_route(method, where, handler, **kwargs)
            except (ValueError, RuntimeError, TypeError) as exc:
                log.warning("route %s %s from a custom node pack skipped: %s", method, where, exc)


def add_routes_with_api_alias(app: web.Application, table: web.RouteTableDef) -> None:
    for route in table:
        if not isinstance(route, web.RouteDef):
            continue
        app.router.add_route(route.method, route.path, route.handler, **route.kwargs)
        if not route.path.startswith("/api/"):
            app.router.add_route(route.method, "/api" + route.path, route.handler, **route.kwargs)


async def close_sockets(app: web.Application) -> None:
    """On shutdown, before aiohttp waits for open handlers: say going-away to every
    WebSocket so the process stops promptly with clients connected."""
    if HUB in app:
        await app[HUB].close()


async def run_runtime(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    runtime = build_runtime(settings, registry=app.get(REGISTRY), on_provider_call=app[METRICS].provider_call)
    app[RUNTIME] = runtime
    app[REGISTRY] = runtime.registry
    # one secret store and one provider-settings file per process: the runtime's
    app[SECRETS] = runtime.secrets
    app[PROVIDER_SETTINGS] = runtime.provider_settings
    hub = app[HUB] = Hub(redact=runtime.secrets.redact)
    for hook in runtime.registry.server_hooks:
        hook(hub.pack_sender(asyncio.get_running_loop()))
    unsubscribe = [runtime.bus.subscribe(hub.on_event), runtime.bus.subscribe(app[METRICS].on_event)]
    recovered = await runtime.start()
    if recovered:
        log.warning("%d job(s) were running when the server last stopped; marked interrupted", len(recovered))
    yield
    for stop in unsubscribe:
        stop()
    await hub.close()
    await runtime.close()


_FALLBACK_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Keroro Graph</title></head>
<body style="font-family:system-ui;margin:3em;max-width:40em">
<h1>Keroro Graph 作战室</h1><p>The server is running. The canvas has not been built into
<code>web/dist</code> yet; the HTTP API is ComfyUI-compatible: POST <code>/prompt</code>,
follow <code>/ws</code>, read <code>/history</code>, fetch files with <code>/view</code>.</p>
<p><a href="/object_info">Node catalogue (JSON)</a> · <a href="/api/health">Health</a></p>
</body></html>"""


def add_frontend(app: web.Application, dist: Path) -> None:
    index = dist / "index.html"

    async def serve_index(_request: web.Request) -> web.StreamResponse:
        if index.is_file():
            return web.FileResponse(index, headers={"Cache-Control": "no-cache"})
        return web.Response(text=_FALLBACK_PAGE, content_type="text/html")

    app.router.add_get("/", serve_index)
    if (dist / "assets").is_dir():
        app.router.add_static("/assets", dist / "assets")


class RedactingAccessLogger(AbstractAccessLogger):
    """Access log lines without query strings (they may carry ``?token=``)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.1fms", request.method, request.path, response.status, time * 1000)
