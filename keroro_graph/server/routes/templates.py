"""``/api/templates``: example workflows to start from, gathered from three places —
the app's own (``<repo>/user/examples``, read-only), every loaded pack's
``example_workflows`` folder (ComfyUI's names ``example``, ``examples``,
``workflow``, ``workflows`` too; read-only) and the user's (``<user_dir>/templates``,
writable). Also ComfyUI's ``/workflow_templates`` index and the per-pack file route
its frontend fetches. ``TemplateLibrary`` finds the files; handlers translate HTTP."""
from __future__ import annotations

import asyncio
import builtins
import json
import logging
from pathlib import Path
from typing import Any, Iterable

from aiohttp import web

from ...graph.workflow import is_api_prompt, is_ui_workflow
from ...registry.registry import PackRecord
from ...settings import REPO_ROOT
from ..errors import fail, json_object
from ..keys import REGISTRY, SECRETS, SETTINGS
from ..paths import plain_name
from ..thumbnail import workflow_thumbnail
from .workflows import (WorkflowFolder, WorkflowOutsideError, check_document, check_name, file_errors_as_http,
                        inside, query_flag)

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
APP_EXAMPLES = REPO_ROOT / "user" / "examples"
#: ComfyUI's ``example_workflow_folder_names`` (app/custom_node_manager.py).
PACK_FOLDERS = ("example_workflows", "example", "examples", "workflow", "workflows")
USER = "user"


class TemplateLibrary:
    """Where each template source keeps its files. Sources are ``"app"``,
    ``"pack:<name>"`` and ``"user"``; only ``"user"`` can be written."""

    def __init__(self, *, app_dir: Path, packs: Iterable[PackRecord], user_dir: Path) -> None:
        self.user = WorkflowFolder(user_dir)
        self.folders: dict[str, list[Path]] = {"app": [app_dir]}
        for pack in packs:
            found = [pack.path / name for name in PACK_FOLDERS if (pack.path / name).is_dir()]
            if found:
                self.folders[f"pack:{pack.name}"] = found
        self.folders[USER] = [user_dir]

    def list(self, source: str | None = None) -> list[dict[str, Any]]:
        entries = []
        for name, folders in self.folders.items():
            if source is None or source == name:
                entries += [entry for folder in folders for entry in _entries(name, folder)]
        return entries

    def path(self, source: str, name: str) -> Path:
        """The template's file. Raises KeyError for an unknown source,
        WorkflowNameError for a bad name and FileNotFoundError when absent."""
        name = check_name(name)
        for folder in self.folders[source]:
            candidate = inside(folder, folder / f"{name}.json")
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(name)

    def pack_index(self) -> dict[str, builtins.list[str]]:
        """ComfyUI's ``{pack: [template names]}`` (pack templates only)."""
        return {source.removeprefix("pack:"): sorted(p.stem for f in folders for p in f.glob("*.json"))
                for source, folders in self.folders.items() if source.startswith("pack:")}


def _entries(source: str, folder: Path) -> list[dict[str, Any]]:
    entries = []
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            inside(folder, file)
        except WorkflowOutsideError as exc:
            log.warning("template skipped: %s", exc)
            continue
        kind = _format(file)
        if kind is not None:
            entries.append({"name": file.stem, "source": source, "format": kind})
    return entries


def _format(file: Path) -> str | None:
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("template %s is not readable JSON; skipped", file)
        return None
    if is_ui_workflow(doc):
        return "ui"
    return "api" if is_api_prompt(doc) else None


def _library(request: web.Request) -> TemplateLibrary:
    settings = request.app[SETTINGS]
    return TemplateLibrary(app_dir=APP_EXAMPLES, packs=request.app[REGISTRY].packs,
                           user_dir=settings.user_dir / "templates")


def _source(request: web.Request, library: TemplateLibrary) -> str:
    source = request.match_info["source"]
    if source not in library.folders:
        fail(404, f"no template source {source!r}; sources are {', '.join(library.folders)}")
    return source


def _writable(request: web.Request, library: TemplateLibrary) -> WorkflowFolder:
    source = _source(request, library)
    if source != USER:
        fail(403, f"templates from {source!r} are read-only; save a copy under 'user'")
    return library.user


@routes.get("/api/templates")
async def list_templates(request: web.Request) -> web.Response:
    return web.json_response({"templates": _library(request).list(request.query.get("source") or None)})


@routes.get("/api/templates/{source}/{name}")
async def get_template(request: web.Request) -> web.Response:
    library, name = _library(request), request.match_info["name"]
    source = _source(request, library)
    with file_errors_as_http(name):
        doc = json.loads(library.path(source, name).read_text(encoding="utf-8"))
    return web.json_response(doc)


@routes.put("/api/templates/{source}/{name}")
async def put_template(request: web.Request) -> web.Response:
    library, name = _library(request), request.match_info["name"]
    folder = _writable(request, library)
    doc = await json_object(request)
    kind = check_document(doc)
    clean = request.app[SECRETS].redact_json(doc)
    with file_errors_as_http(name):
        existed = folder.path(name).exists()
        info = folder.save(name, clean, overwrite=query_flag(request, "overwrite", True))
    return web.json_response({**info, "source": USER, "format": kind, "redacted": clean != doc},
                             status=200 if existed else 201)


@routes.delete("/api/templates/{source}/{name}")
async def delete_template(request: web.Request) -> web.Response:
    library, name = _library(request), request.match_info["name"]
    folder = _writable(request, library)
    with file_errors_as_http(name):
        folder.delete(name)
    return web.json_response({"deleted": check_name(name), "source": USER})


@routes.get("/workflow_templates")
async def workflow_templates(request: web.Request) -> web.Response:
    return web.json_response(_library(request).pack_index())


@routes.get("/workflow_templates/{pack}/{filename}")
async def workflow_template_file(request: web.Request) -> web.StreamResponse:
    """A file from a pack's example folder (ComfyUI serves them statically)."""
    library = _library(request)
    filename = request.match_info["filename"]
    folders = library.folders.get(f"pack:{request.match_info['pack']}", [])
    if "/" in filename or "\\" in filename or ".." in filename or filename.startswith("."):
        fail(400, f"bad file name {filename!r}")
    plain_name(filename, what="file name")  # control characters, NUL, longer than a file name may be
    for folder in folders:
        if (folder / filename).is_file():
            return web.FileResponse(folder / filename)
    stem, _, subtype = filename.rpartition(".")
    for folder in folders:  # ComfyUI's frontend shows <name>.jpg beside each pack template
        if subtype == "jpg" and (folder / f"{stem}.json").is_file():
            jpeg = await asyncio.to_thread(workflow_thumbnail, folder / f"{stem}.json")
            return web.Response(body=jpeg, content_type="image/jpeg")
    fail(404, f"no template file {filename!r} in pack {request.match_info['pack']!r}")
