"""ComfyUI's ``server`` module for packs: ``PromptServer.instance`` with ``routes``
(mounted on our app at the path and under /api), ``send_sync``/``send`` (JSON and
binary WebSocket messages, including unencoded preview images), and the running
prompt's ``client_id`` and ``last_node_id``."""
from __future__ import annotations

import logging
from typing import Any

from keroro_graph.api import current_context
from keroro_graph.comfy_compat import state

log = logging.getLogger(__name__)


class BinaryEventTypes:
    PREVIEW_IMAGE = 1
    UNENCODED_PREVIEW_IMAGE = 2
    TEXT = 3
    PREVIEW_IMAGE_WITH_METADATA = 4


class _Router:
    """``PromptServer.instance.app.router``: routes added here are recorded and mounted
    with the rest (the app object itself is built later, by the server)."""

    def add_route(self, method: str, path: str, handler: Any, **kwargs: Any) -> None:
        state.ROUTES.route(method, path, **kwargs)(handler)

    def add_get(self, path: str, handler: Any, **kwargs: Any) -> None:
        self.add_route("GET", path, handler, **kwargs)

    def add_post(self, path: str, handler: Any, **kwargs: Any) -> None:
        self.add_route("POST", path, handler, **kwargs)

    def add_put(self, path: str, handler: Any, **kwargs: Any) -> None:
        self.add_route("PUT", path, handler, **kwargs)

    def add_delete(self, path: str, handler: Any, **kwargs: Any) -> None:
        self.add_route("DELETE", path, handler, **kwargs)

    def add_static(self, prefix: str, path: Any, **kwargs: Any) -> None:
        state.ROUTES.static(prefix, str(path), **kwargs)


class _App:
    def __init__(self) -> None:
        self.router = _Router()

    def add_routes(self, routes: Any) -> None:
        for route in routes:
            method, path, handler = getattr(route, "method", None), getattr(route, "path", None), \
                getattr(route, "handler", None)
            if method and path and handler:
                self.router.add_route(method, path, handler, **dict(getattr(route, "kwargs", {}) or {}))
            elif getattr(route, "prefix", None) and getattr(route, "path", None):
                self.router.add_static(route.prefix, route.path)


class PromptServer:
    instance: "PromptServer"

    def __init__(self) -> None:
        PromptServer.instance = self
        self.routes = state.ROUTES
        self.supports = ["custom_nodes_from_web"]
        self.on_prompt_handlers: list[Any] = []
        self.number = 0
        self.loop = None
        self.app = _App()

    @property
    def client_id(self) -> str | None:
        """The client of the prompt whose node is running in this thread or task."""
        ctx = current_context.get()
        return ctx.extra_data.get("client_id") if ctx is not None else None

    @property
    def last_node_id(self) -> str | None:
        ctx = current_context.get()
        return ctx.display_node_id if ctx is not None else None

    def send_sync(self, event: Any, data: Any, sid: str | None = None) -> None:
        state.send(event, data, sid)

    async def send(self, event: Any, data: Any, sid: str | None = None) -> None:
        state.send(event, data, sid)

    async def send_json(self, event: str, data: Any, sid: str | None = None) -> None:
        state.send(event, data, sid)

    async def send_bytes(self, event: int, data: bytes, sid: str | None = None) -> None:
        state.send(event, bytes(data), sid)

    def send_progress_text(self, text: str, node_id: str | None = None, sid: str | None = None) -> None:
        ctx = current_context.get()
        if ctx is not None:
            ctx.text(str(text))

    def add_on_prompt_handler(self, handler: Any) -> None:
        log.warning("PromptServer.add_on_prompt_handler is not supported by Keroro Graph; %r is never called",
                    handler)
        self.on_prompt_handlers.append(handler)

    def queue_updated(self) -> None:
        pass


PromptServer()
