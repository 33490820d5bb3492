"""Which UI ``/`` serves: our canvas by default, ComfyUI's official frontend (the
installed comfyui-frontend-package) with ``front_end="comfy"`` — the API routes still
answering — and a ``--front-end-root`` without an index.html refused at start."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("comfyui_frontend_package", reason="the test extra installs comfyui-frontend-package")


async def test_canvas_stays_the_default_and_missing_root_is_refused(
        settings: Any, registry: Any, aiohttp_client: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from keroro_graph.cli.main import main
    from keroro_graph.server.app import create_app

    ours = await aiohttp_client(create_app(settings, registry=registry))
    assert "<title>Keroro Graph" in await (await ours.get("/")).text()
    other = settings.model_copy(update={"front_end": "comfy", "user_dir": tmp_path / "comfy-user"})
    comfy = await aiohttp_client(create_app(other, registry=registry))
    assert "<title>ComfyUI" in await (await comfy.get("/")).text()
    assert (await comfy.get("/api/object_info/EmptyImage")).status == 200  # the API still wins
    assert main(["serve", "--front-end", "comfy", "--front-end-root", str(tmp_path / "nowhere"),
                 "--user-dir", str(tmp_path / "u")]) == 2
    assert "has no index.html" in capsys.readouterr().err
