"""What the layer's modules share: the folders, the route table packs add to, the
server's sender, and the classes packs registered (ComfyUI's NODE_CLASS_MAPPINGS)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from keroro_graph.api import Paths, current_context


class RouteTable:
    """ComfyUI's ``PromptServer.instance.routes`` (an aiohttp RouteTableDef): the
    decorators record (method, path, handler, kwargs); the server mounts them at
    the path and under /api."""

    def __init__(self) -> None:
        self.defs: list[tuple[str, str, Callable[..., Any], dict[str, Any]]] = []

    def route(self, method: str, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        def register(handler: Any) -> Any:
            self.defs.append((method.upper(), path, handler, kwargs))
            return handler
        return register

    def get(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("DELETE", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("HEAD", path, **kwargs)

    def view(self, path: str, **kwargs: Any) -> Callable[[Any], Any]:
        return self.route("*", path, **kwargs)

    def static(self, prefix: str, path: str, **kwargs: Any) -> None:
        self.defs.append(("STATIC", prefix, str(path), kwargs))  # type: ignore[arg-type]

    def __iter__(self) -> Any:
        return iter(self.defs)

    def __len__(self) -> int:
        return len(self.defs)


ROUTES = RouteTable()
_paths: list[Paths] = [Paths.under(Path.cwd() / "user")]
_sender: list[Callable[..., None]] = []
#: class type → V1 class (packs' and ComfyUI-named built-ins), as ComfyUI's nodes module has it.
NODE_CLASS_MAPPINGS: dict[str, Any] = {}
NODE_DISPLAY_NAME_MAPPINGS: dict[str, str] = {}


def configure(paths: Paths) -> None:
    _paths[0] = paths


def paths() -> Paths:
    """The running node's folders, else the process's."""
    ctx = current_context.get()
    return ctx.paths if ctx is not None else _paths[0]


def attach_sender(send: Callable[..., None]) -> None:
    _sender[:] = [send]


def send(event: Any, data: Any, sid: str | None) -> None:
    """Deliver a ``send_sync`` message; dropped (like ComfyUI without clients) before
    a server is up."""
    if _sender:
        _sender[0](event, data, sid)
