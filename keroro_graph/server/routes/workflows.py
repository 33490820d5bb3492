"""``/api/workflows``: saved workflows, one ComfyUI UI-format (or API-format) JSON
file per workflow under ``settings.workflows``, listed, read, saved, renamed and
deleted by name. ``WorkflowFolder`` owns the files (name rules, atomic writes); the
handlers only translate HTTP. Everything saved passes through the SecretStore's
redaction first, so a key pasted into a node widget never lands on disk.
``routes/templates.py`` reuses ``WorkflowFolder`` for user templates."""
from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any, Iterator

from aiohttp import web

from ...graph.workflow import is_api_prompt, is_ui_workflow
from ...atomic import write_atomic
from ..errors import fail, json_object
from ..keys import SECRETS, SETTINGS

routes = web.RouteTableDef()
MAX_NAME_CHARS = 120
#: ``\w`` is Unicode-aware: letters and digits of every script (CJK included) and "_".
_NAME = re.compile(r"^[\w \-.()\u3000-\u303f\uff08\uff09]+$")


class WorkflowNameError(ValueError):
    """A workflow name breaks the naming rules; the message says which."""


class WorkflowOutsideError(PermissionError):
    """A file in the folder is a symlink leading outside it (refused like the
    input/output folders refuse theirs)."""


def inside(folder: Path, file: Path) -> Path:
    """``file`` when it resolves inside ``folder`` (or does not exist yet); raises
    WorkflowOutsideError for a symlink, or a symlink loop, leading elsewhere."""
    try:
        real, root = file.resolve(), folder.resolve()
    except (OSError, RuntimeError):
        raise WorkflowOutsideError(f"{file.name} cannot be resolved (a symlink loop?)") from None
    if not real.is_relative_to(root):
        raise WorkflowOutsideError(f"{file.name} is a symlink leading outside its folder; refused")
    return file


def check_name(name: str) -> str:
    """The name stripped of surrounding spaces and a trailing ``.json``. Raises
    WorkflowNameError unless it is 1–120 characters of letters, digits, space,
    ``-_.()`` and CJK, with no path separator, no ``..`` and no leading dot."""
    name = name.strip()
    if name.lower().endswith(".json"):
        name = name[:-5].rstrip()
    if not name:
        raise WorkflowNameError("a workflow name must not be empty")
    if len(name) > MAX_NAME_CHARS:
        raise WorkflowNameError(f"a workflow name must be at most {MAX_NAME_CHARS} characters")
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise WorkflowNameError(f"workflow name {name!r} must not contain '/', '\\' or '..' "
                                "or start with '.'")
    if not _NAME.match(name):
        raise WorkflowNameError(f"workflow name {name!r} may use only letters, digits, spaces, "
                                "CJK characters and - _ . ( )")
    return name


class WorkflowFolder:
    """A folder of ``<name>.json`` workflow documents. Synchronous file I/O on small
    files; names are checked by ``check_name`` before any path is built."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return inside(self.root, self.root / f"{check_name(name)}.json")

    def list(self) -> list[dict[str, Any]]:
        if not self.root.is_dir():
            return []
        found = []
        for file in sorted(self.root.glob("*.json")):
            with contextlib.suppress(WorkflowNameError, WorkflowOutsideError):
                if inside(self.root, file).is_file() and check_name(file.stem) == file.stem:
                    found.append(self.info(file.stem))
        return found

    def info(self, name: str) -> dict[str, Any]:
        stat = self.path(name).stat()
        return {"name": check_name(name), "size": stat.st_size, "modified": stat.st_mtime}

    def read(self, name: str) -> Any:
        """The parsed document. Raises FileNotFoundError or ValueError (bad JSON)."""
        return json.loads(self.path(name).read_text(encoding="utf-8"))

    def save(self, name: str, doc: Any, *, overwrite: bool = True) -> dict[str, Any]:
        """Write ``doc`` atomically. Raises FileExistsError when ``overwrite`` is
        False and the name is taken."""
        path = self.path(name)
        if not overwrite and path.exists():
            raise FileExistsError(f"a workflow named {check_name(name)!r} already exists")
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
        return self.info(name)

    def rename(self, name: str, to: str, *, overwrite: bool = False) -> dict[str, Any]:
        source, target = self.path(name), self.path(to)
        if not source.is_file():
            raise FileNotFoundError(f"no workflow named {check_name(name)!r}")
        if target.exists() and not overwrite and source != target:
            raise FileExistsError(f"a workflow named {check_name(to)!r} already exists")
        source.replace(target)
        return self.info(to)

    def delete(self, name: str) -> None:
        path = self.path(name)
        if not path.is_file():
            raise FileNotFoundError(f"no workflow named {check_name(name)!r}")
        path.unlink()


@contextlib.contextmanager
def file_errors_as_http(name: str) -> Iterator[None]:
    """Turn WorkflowFolder's exceptions into 400/404/409 JSON answers."""
    try:
        yield
    except WorkflowOutsideError as exc:
        fail(403, str(exc))
    except WorkflowNameError as exc:
        fail(400, str(exc))
    except FileNotFoundError:
        fail(404, f"no workflow named {name!r}")
    except FileExistsError as exc:
        fail(409, str(exc))
    except ValueError as exc:
        fail(400, f"workflow {name!r} is not valid JSON: {exc}")


def check_document(doc: Any) -> str:
    """``"ui"`` or ``"api"``; a 400 when ``doc`` is neither kind of workflow."""
    if is_ui_workflow(doc):
        return "ui"
    if is_api_prompt(doc):
        return "api"
    fail(400, "a workflow must be a UI workflow (an object with a 'nodes' list) or an API prompt "
              "(node id → {class_type, inputs})")


def query_flag(request: web.Request, name: str, default: bool) -> bool:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    fail(400, f"query parameter {name} must be true or false, got {raw!r}")


def _folder(request: web.Request) -> WorkflowFolder:
    return WorkflowFolder(request.app[SETTINGS].workflows)


@routes.get("/api/workflows")
async def list_workflows(request: web.Request) -> web.Response:
    return web.json_response({"workflows": _folder(request).list()})


@routes.get("/api/workflows/{name}")
async def get_workflow(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    with file_errors_as_http(name):
        doc = _folder(request).read(name)
    return web.json_response(doc)


@routes.put("/api/workflows/{name}")
async def put_workflow(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    doc = await json_object(request)
    kind = check_document(doc)
    clean = request.app[SECRETS].redact_json(doc)
    folder = _folder(request)
    with file_errors_as_http(name):
        existed = folder.path(name).exists()
        info = folder.save(name, clean, overwrite=query_flag(request, "overwrite", True))
    return web.json_response({**info, "format": kind, "redacted": clean != doc},
                             status=200 if existed else 201)


@routes.post("/api/workflows/{name}/rename")
async def rename_workflow(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    to = (await json_object(request)).get("to")
    if not isinstance(to, str):
        fail(400, "send the new name as {\"to\": \"<name>\"}")
    with file_errors_as_http(name):
        info = _folder(request).rename(name, to, overwrite=query_flag(request, "overwrite", False))
    return web.json_response(info)


@routes.delete("/api/workflows/{name}")
async def delete_workflow(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    with file_errors_as_http(name):
        _folder(request).delete(name)
    return web.json_response({"deleted": check_name(name)})
