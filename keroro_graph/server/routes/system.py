"""System routes ComfyUI clients read at start-up: ``/system_stats``, ``/features``,
``/extensions`` (plus per-pack load status), ``/embeddings``, ``/models``, and
POST ``/free``."""
from __future__ import annotations

import os
import platform
import sys
from typing import Any

from aiohttp import web

from ... import __version__
from ..errors import json_object
from ..keys import REGISTRY, RUNTIME
from ..ws import server_features

routes = web.RouteTableDef()
COMFYUI_COMPAT_VERSION = "0.3.64"


@routes.get("/system_stats")
async def system_stats(_request: web.Request) -> web.Response:
    total, free = _memory()
    return web.json_response({
        "system": {"os": os.name, "ram_total": total, "ram_free": free,
                   "comfyui_version": COMFYUI_COMPAT_VERSION, "keroro_graph_version": __version__,
                   "required_frontend_version": None, "installed_templates_version": None,
                   "required_templates_version": None, "python_version": sys.version,
                   "pytorch_version": None, "embedded_python": False, "argv": sys.argv[:1]},
        "devices": [{"name": f"cpu ({platform.machine()})", "type": "cpu", "index": 0,
                     "vram_total": 0, "vram_free": 0, "torch_vram_total": 0, "torch_vram_free": 0}]})


def _memory() -> tuple[int, int]:
    try:
        page = os.sysconf("SC_PAGE_SIZE")
        return page * os.sysconf("SC_PHYS_PAGES"), page * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0, 0


@routes.get("/features")
async def features(request: web.Request) -> web.Response:
    return web.json_response(server_features(request.app))


@routes.get("/extensions")
async def extensions(request: web.Request) -> web.Response:
    """ComfyUI's list of extension JS URLs; with ``?details=true``, every pack's load
    status, time, node types and error."""
    registry = request.app[REGISTRY]
    if request.query.get("details") in ("1", "true", "yes"):
        return web.json_response([p.as_json() for p in registry.packs])
    urls: list[str] = []
    for pack in registry.packs:
        if pack.web_directory is not None and pack.web_directory.is_dir():
            urls += [f"/extensions/{pack.name}/{p.relative_to(pack.web_directory).as_posix()}"
                     for p in sorted(pack.web_directory.rglob("*.js"))]
    return web.json_response(urls)


@routes.get("/extensions/{pack}/{path:.+}")
async def extension_file(request: web.Request) -> web.StreamResponse:
    """A file of a pack's WEB_DIRECTORY (ComfyUI serves them at /extensions/<pack>/)."""
    registry = request.app[REGISTRY]
    name = request.match_info["pack"]
    pack = next((p for p in registry.packs if p.name == name and p.web_directory is not None), None)
    if pack is None:
        raise web.HTTPNotFound(text=f"no custom node pack {name!r} with a WEB_DIRECTORY")
    assert pack.web_directory is not None  # chosen for having one
    root = pack.web_directory.resolve()
    target = (root / request.match_info["path"]).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise web.HTTPNotFound(text=f"{request.match_info['path']!r} is not a file of pack {name!r}")
    return web.FileResponse(target)


@routes.get("/embeddings")
async def embeddings(_request: web.Request) -> web.Response:
    return web.json_response([])


@routes.get("/models")
async def models(_request: web.Request) -> web.Response:
    return web.json_response([])


@routes.get("/models/{folder}")
async def models_in(request: web.Request) -> web.Response:
    return web.json_response({"error": {"type": "not_found",
                                        "message": f"no model folder {request.match_info['folder']!r}; "
                                                   "Keroro Graph runs models through providers"}}, status=404)


@routes.post("/free")
async def free(request: web.Request) -> web.Response:
    body: dict[str, Any] = await json_object(request, required=False)
    if body.get("free_memory") or body.get("unload_models"):
        request.app[RUNTIME].engine.free()
    return web.json_response({})
