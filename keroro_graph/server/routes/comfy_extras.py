"""Smaller calls ComfyUI's own frontend and clients make: ``/i18n`` (translations of
custom nodes from packs' ``locales/`` folders), ``/experiment/models`` (model folders: we keep none),
``/global_subgraphs`` (packs' subgraph blueprints: none),
the template library under ``/templates/`` (``comfyui-workflow-templates`` when it is
installed, else the app's example workflows with drawn thumbnails), and
``POST /api/workflows/extract``: the workflow and prompt embedded in a PNG or WebP."""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import weakref
from pathlib import Path
from typing import Any

from aiohttp import web

from ..errors import fail
from ..image_text import ImageTextError, image_text
from ..keys import REGISTRY, SECRETS
from ..thumbnail import workflow_thumbnail
from .files import read_form
from .templates import APP_EXAMPLES

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
#: Served only at their own paths (ComfyUI does not alias ``/templates`` under ``/api``).
static_routes = web.RouteTableDef()
THUMBNAIL_SUBTYPE = "jpg"


@routes.get("/i18n")
async def i18n(request: web.Request) -> web.Response:
    """ComfyUI's pack translations: every loaded pack's ``locales/<lang>/main.json`` merged
    with ``nodeDefs.json``, ``commands.json`` and ``settings.json`` under those keys, as
    ``{lang: {...}}``. Read once per server (packs load at start-up)."""
    registry = request.app[REGISTRY]
    cached = _I18N_CACHE.get(registry)
    if cached is None:
        folders = [p.path for p in registry.packs if p.loaded]
        cached = _I18N_CACHE[registry] = await asyncio.to_thread(pack_locales, folders)
    return web.json_response(cached)


#: Per registry (a started aiohttp app must not be written to).
_I18N_CACHE: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()
_LOCALE_FILES = {"nodeDefs.json": "nodeDefs", "commands.json": "commands", "settings.json": "settings"}
_LOCALE_MAX_BYTES = 4 * 1024 * 1024


def pack_locales(folders: list[Path]) -> dict[str, Any]:
    """Merge packs' locale files; a file that is too big or not a JSON object is skipped (logged)."""
    out: dict[str, dict[str, Any]] = {}
    for folder in folders:
        root = folder / "locales"
        if not root.is_dir():
            continue
        for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            lang = out.setdefault(lang_dir.name, {})
            for path in sorted(lang_dir.glob("*.json")):
                data = _read_locale(path)
                if data is None:
                    continue
                key = _LOCALE_FILES.get(path.name)
                if key:
                    lang[key] = {**lang.get(key, {}), **data}
                elif path.name == "main.json":
                    lang.update(data)
    return out


def _read_locale(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > _LOCALE_MAX_BYTES:
            raise ValueError(f"larger than {_LOCALE_MAX_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data
    except (OSError, ValueError) as exc:
        log.warning("skipping pack locale %s: %s", path, exc)
        return None


@routes.get("/experiment/models")
async def model_folders(_request: web.Request) -> web.Response:
    return web.json_response([])


@routes.get("/experiment/models/{folder}")
async def model_folder(request: web.Request) -> web.Response:
    fail(404, f"no model folder {request.match_info['folder']!r}")


@routes.get("/global_subgraphs")
async def global_subgraphs(_request: web.Request) -> web.Response:
    """ComfyUI's subgraph blueprints shipped by packs: ours ship none."""
    return web.json_response({})


@routes.get("/global_subgraphs/{id}")
async def global_subgraph(request: web.Request) -> web.Response:
    fail(404, f"no subgraph blueprint {request.match_info['id']!r}")


@routes.post("/api/workflows/extract")
async def extract(request: web.Request) -> web.Response:
    """The image as a multipart file field (any name) or as the raw body. Answers
    ``{"workflow": {…}|null, "prompt": {…}|null}``, plus ``problems`` naming embedded
    text that is not valid JSON."""
    data = await _upload_bytes(request)
    try:
        texts = await asyncio.to_thread(image_text, data)
    except ImageTextError as exc:
        fail(415, f"can't read a workflow from this file: {exc}")
    body: dict[str, Any] = {"workflow": None, "prompt": None}
    problems = {}
    for key in ("workflow", "prompt"):
        if key in texts:
            try:
                value = json.loads(texts[key])
            except ValueError as exc:
                problems[key] = f"the embedded {key} is not valid JSON: {exc}"
                continue
            if isinstance(value, dict):
                body[key] = value
            else:
                problems[key] = f"the embedded {key} is not a JSON object"
    if problems:
        body["problems"] = problems
    return web.json_response(request.app[SECRETS].redact_json(body))


async def _upload_bytes(request: web.Request) -> bytes:
    if request.content_type.startswith("multipart/"):
        form = await read_form(request)
        files = [v for v in form.values() if isinstance(v, web.FileField)]
        if not files:
            fail(400, "the form has no file field")
        return files[0].file.read()
    data = await request.read()
    if not data:
        fail(400, "send the image as the request body or as a multipart file field")
    return data


@functools.lru_cache(maxsize=1)
def installed_templates() -> dict[str, str] | None:
    """``filename → path`` of every asset of the installed ``comfyui-workflow-templates``
    (index files included), or None when it is not installed."""
    try:
        from comfyui_workflow_templates import get_asset_path, iter_templates  # type: ignore[import-not-found]
    except ImportError:
        return None
    assets: dict[str, str] = {}
    try:
        for entry in iter_templates():
            for asset in entry.assets:
                try:
                    assets[asset.filename] = get_asset_path(entry.template_id, asset.filename)
                except (FileNotFoundError, KeyError):
                    continue  # that media bundle is not installed
    except Exception as exc:  # a broken package must not take the server down
        log.warning("comfyui-workflow-templates is installed but unreadable: %s", exc)
        return None
    return assets or None


@static_routes.get("/templates/{path:.*}")
async def template_file(request: web.Request) -> web.StreamResponse:
    path = request.match_info["path"]
    installed = installed_templates()
    if installed is not None:
        if path in installed:
            return web.FileResponse(installed[path])
        fail(404, f"no template file {path!r}")
    if path.startswith("index") and path.endswith(".json") and "/" not in path:
        return web.json_response(await asyncio.to_thread(_example_index, path))
    if "/" in path or path.startswith("."):
        fail(404, f"no template file {path!r}")
    if path.endswith(".json") and (APP_EXAMPLES / path).is_file():
        return web.FileResponse(APP_EXAMPLES / path)
    stem, _, subtype = path.rpartition(".")
    name = stem.removesuffix("-1")
    if subtype == THUMBNAIL_SUBTYPE and stem != name and (APP_EXAMPLES / f"{name}.json").is_file():
        jpeg = await asyncio.to_thread(workflow_thumbnail, APP_EXAMPLES / f"{name}.json")
        return web.Response(body=jpeg, content_type="image/jpeg", headers={"Cache-Control": "no-cache"})
    fail(404, f"no template file {path!r}")


def _example_index(path: str) -> Any:
    """ComfyUI's template index (``[{moduleName, title, type, templates: [...]}]``) of
    the app's examples; ``index_logo.json`` and others are empty."""
    if path != "index.json" and not _is_locale_index(path):
        return {}
    templates = [{"name": file.stem, "title": file.stem.replace("_", " ").replace(".", " ").title(),
                  "description": _description(file), "mediaType": "image", "mediaSubtype": THUMBNAIL_SUBTYPE}
                 for file in sorted(APP_EXAMPLES.glob("*.json"))]
    return [{"moduleName": "default", "title": "Keroro Graph", "type": "image", "category": "Keroro Graph",
             "templates": templates}]


def _is_locale_index(path: str) -> bool:
    parts = path.split(".")
    return len(parts) == 3 and parts[0] == "index" and parts[2] == "json" and parts[1].replace("-", "").isalpha()


def _description(file: Path) -> str:
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    extra = doc.get("extra") if isinstance(doc, dict) else None
    text = extra.get("description") if isinstance(extra, dict) else None
    return text if isinstance(text, str) else ""
