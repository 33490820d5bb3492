"""ComfyUI's official frontend as a second UI (``--front-end comfy``): the static files
of the installed ``comfyui-frontend-package``, served at ``/`` the way ComfyUI serves
them, behind every API route (which are registered first and so win)."""
from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

from aiohttp import web

INSTALL_HINT = "pip install 'keroro-graph[comfy-frontend]' (the comfyui-frontend-package from PyPI)"


class FrontendMissing(RuntimeError):
    """``--front-end comfy`` without the package installed; the message says how to get it."""


def comfy_frontend_root(root: Path | None = None) -> Path:
    if root is not None:
        if not (root / "index.html").is_file():
            raise FrontendMissing(f"--front-end-root {root} has no index.html")
        return root
    try:
        import comfyui_frontend_package
    except ImportError:
        raise FrontendMissing(f"--front-end comfy needs ComfyUI's frontend: {INSTALL_HINT}") from None
    root = Path(str(resources.files(comfyui_frontend_package) / "static"))
    if not (root / "index.html").is_file():
        raise FrontendMissing(f"the installed comfyui-frontend-package has no static/index.html; reinstall: {INSTALL_HINT}")
    return root


def comfy_frontend_version() -> str | None:
    try:
        return metadata.version("comfyui-frontend-package")
    except metadata.PackageNotFoundError:
        return None


def add_comfy_frontend(app: web.Application, root: Path | None = None) -> None:
    root = comfy_frontend_root(root)

    async def index(_request: web.Request) -> web.FileResponse:
        return web.FileResponse(root / "index.html", headers={"Cache-Control": "no-cache"})

    app.router.add_get("/", index)
    app.router.add_static("/", root)
