"""ComfyUI's per-user data in single-user mode (user ``default``, folder
``settings.frontend_settings_dir``): ``/users``, ``/settings`` (``comfy.settings.json``)
and ``/userdata`` listing, reading, writing, moving and deleting files. Paths are
confined through ``server.paths``, writes are atomic and pass through secret
redaction first (text files and settings; binary files are kept as sent). The frontend keeps its
settings, workflows and ``user.css`` here; this module never interprets them."""
from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
from typing import Any

from aiohttp import web

from ..errors import fail, json_body, json_object
from ..keys import SECRETS, SETTINGS
from ...atomic import write_atomic
from ..paths import confined, content_disposition, link_new, relative_parts, served_type, staged

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

SETTINGS_FILE = "comfy.settings.json"


def user_root(request: web.Request) -> Path:
    return request.app[SETTINGS].frontend_settings_dir


def user_path(request: web.Request, raw: str, *, what: str) -> Path:
    """A confined path under the user folder naming at least one file or folder."""
    parts = relative_parts(raw, what=what)
    if not parts:
        fail(400, f"{what} names no file or folder")
    return confined(user_root(request), parts, what=what)


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() == "true"


def _overwrite(request: web.Request) -> bool:
    """ComfyUI's rule: anything but ``overwrite=false`` overwrites."""
    return request.query.get("overwrite", "true").lower() != "false"


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root.resolve()).as_posix()


def file_info(path: Path, root: Path) -> dict[str, Any]:
    """ComfyUI's file info: the path relative to ``root``, size, times in ms."""
    stat = path.stat()
    return {"path": relative(path, root), "size": stat.st_size,
            "modified": int(stat.st_mtime * 1000), "created": int(stat.st_ctime * 1000)}


@routes.get("/users")
async def get_users(_request: web.Request) -> web.Response:
    return web.json_response({"storage": "server", "migrated": True})


@routes.get("/settings")
async def get_settings(request: web.Request) -> web.Response:
    return web.json_response(read_settings(user_root(request) / SETTINGS_FILE))


@routes.get("/settings/{id}")
async def get_setting(request: web.Request) -> web.Response:
    values = read_settings(user_root(request) / SETTINGS_FILE)
    return web.json_response(values.get(request.match_info["id"]))


@routes.post("/settings")
async def post_settings(request: web.Request) -> web.Response:
    update_settings(user_root(request) / SETTINGS_FILE, request.app[SECRETS].redact_json(await json_object(request)))
    return web.Response()


@routes.post("/settings/{id}")
async def post_setting(request: web.Request) -> web.Response:
    value = request.app[SECRETS].redact_json(await json_body(request))
    update_settings(user_root(request) / SETTINGS_FILE, {request.match_info["id"]: value})
    return web.Response()


def read_settings(path: Path) -> dict[str, Any]:
    """The stored settings; an unreadable file is moved aside (and logged) so the
    next write starts clean without destroying it."""
    try:
        values = json.loads(path.read_bytes())
        if isinstance(values, dict):
            return values
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        pass
    aside = path.with_name(path.name + ".corrupt")
    log.warning("%s is not a JSON object; moving it to %s and starting from empty settings", path, aside)
    try:
        os.replace(path, aside)
    except OSError as exc:
        fail(409, f"the settings file is unreadable and cannot be moved aside: {exc.strerror or exc}")
    return {}


def update_settings(path: Path, changes: dict[str, Any]) -> None:
    """Merge ``changes`` into the stored settings. Synchronous on purpose: no other
    request can interleave between the read and the write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({**read_settings(path), **changes}, indent=4).encode())


@routes.get("/userdata")
async def list_userdata(request: web.Request) -> web.Response:
    raw = request.query.get("dir", "")
    if not raw:
        fail(400, "'dir' is required")
    folder = user_path(request, raw, what="'dir'")
    if not folder.is_dir():
        fail(404, f"directory {raw!r} not found")
    return web.json_response(await asyncio.to_thread(listing, folder, recurse=_flag(request, "recurse"),
                                                     full_info=_flag(request, "full_info"),
                                                     split=_flag(request, "split")))


def listing(folder: Path, *, recurse: bool, full_info: bool, split: bool) -> list[Any]:
    """ComfyUI's ``/userdata?dir=`` entries; a file removed while listing is left out."""
    entries: list[Any] = []
    for path in list_files(folder, recurse=recurse):
        rel = relative(path, folder)
        if full_info:
            try:
                entries.append(file_info(path, folder))
            except FileNotFoundError:
                continue
        else:
            entries.append([rel, *rel.split("/")] if split else rel)
    return entries


def list_files(folder: Path, *, recurse: bool) -> list[Path]:
    """Regular files under ``folder`` (one level, or all), hidden names skipped as
    ComfyUI's glob does, and nothing whose symlink leads outside ``folder``."""
    root, found = folder.resolve(), []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")) if recurse else []
        found += [here / f for f in sorted(filenames) if not f.startswith(".") and _inside(here / f, root)]
    return found


def _inside(path: Path, root: Path) -> bool:
    return path.is_file() and path.resolve().is_relative_to(root)


@routes.get("/v2/userdata")
async def list_userdata_v2(request: web.Request) -> web.Response:
    raw = request.query.get("path", "")
    root = user_root(request).resolve()
    folder = confined(root, relative_parts(raw, what="'path'"), what="'path'")
    if not folder.exists():
        if folder == root:
            return web.json_response([])
        fail(404, f"path {raw!r} not found")
    if not folder.is_dir():
        fail(400, f"path {raw!r} is not a directory")
    entries = await asyncio.to_thread(tree, folder, root)
    entries.sort(key=lambda e: (e["type"] != "directory", e["name"].lower()))
    return web.json_response(entries)


def tree(folder: Path, root: Path) -> list[dict[str, Any]]:
    """Every folder and file under ``folder`` (recursively, as ComfyUI's v2 listing),
    paths relative to the user folder; symlinks leading outside are left out."""
    entries: list[dict[str, Any]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if (here / d).resolve().is_relative_to(root)]
        entries += [{"name": d, "path": relative(here / d, root), "type": "directory"} for d in dirnames]
        for name in filenames:
            path = here / name
            if _inside(path, root):
                try:
                    stat = path.stat()
                except FileNotFoundError:  # removed while listing
                    continue
                entries.append({"name": name, "path": relative(path, root), "type": "file",
                                "size": stat.st_size, "modified": stat.st_mtime})
    return entries


@routes.get("/userdata/{file}")
async def get_userdata(request: web.Request) -> web.StreamResponse:
    path = existing_file(request, "file")
    if path == (user_root(request) / "user.css").resolve():
        mime, disposition = "text/css", "inline"
    else:
        mime, disposition = served_type(path.name), "attachment"
    headers = {"Content-Type": mime, "X-Content-Type-Options": "nosniff",
               "Content-Disposition": content_disposition(path.name, disposition)}
    return web.FileResponse(path, headers=headers)


@routes.post("/userdata/{file}")
async def post_userdata(request: web.Request) -> web.Response:
    path = user_path(request, request.match_info["file"], what="the file path")
    body = await request.read()
    # like saved workflows: a key pasted into a widget never lands on disk
    body = await asyncio.to_thread(request.app[SECRETS].redact_bytes, body)
    await asyncio.to_thread(write_file, path, body, overwrite=_overwrite(request))
    return answer(request, path)


@routes.delete("/userdata/{file}")
async def delete_userdata(request: web.Request) -> web.Response:
    path = existing_file(request, "file")
    try:
        path.unlink()
    except OSError as exc:
        fail(400, f"cannot delete {request.match_info['file']!r}: {exc.strerror or exc}")
    return web.Response(status=204)


@routes.post("/userdata/{file}/move/{dest}")
async def move_userdata(request: web.Request) -> web.Response:
    source = existing_file(request, "file")
    dest = user_path(request, request.match_info["dest"], what="the destination")
    await asyncio.to_thread(move_file, source, dest, overwrite=_overwrite(request))
    return answer(request, dest)


def existing_file(request: web.Request, param: str) -> Path:
    raw = request.match_info[param]
    path = user_path(request, raw, what="the file path")
    if not path.is_file():
        fail(404, f"no file {raw!r} in the user data")
    return path


def answer(request: web.Request, path: Path) -> web.Response:
    """ComfyUI's reply to a write: the path relative to the user folder, or its info."""
    root = user_root(request)
    return web.json_response(file_info(path, root) if _flag(request, "full_info") else relative(path, root))


def write_file(path: Path, body: bytes, *, overwrite: bool) -> None:
    """Store ``body`` at ``path`` (blocking); 409 when it exists and may not be replaced."""
    if path.is_dir():
        fail(409, f"{path.name!r} is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if overwrite:
            write_atomic(path, body)
            return
        with staged(path.parent, body) as tmp:
            if link_new(tmp, path):
                return
    except OSError as exc:
        fail(400, f"cannot write {path.name!r}: {exc.strerror or exc}")
    fail(409, "File already exists")


def move_file(source: Path, dest: Path, *, overwrite: bool) -> None:
    """Rename ``source`` to ``dest`` (blocking); 409 when ``dest`` exists and may not
    be replaced, or is a folder."""
    if dest.is_dir():
        fail(409, f"{dest.name!r} is a folder")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if overwrite:
            os.replace(source, dest)
            return
        if link_new(source, dest):
            source.unlink(missing_ok=True)
            return
    except OSError as exc:
        fail(400, f"cannot move {source.name!r}: {exc.strerror or exc}")
    fail(409, "File already exists")
