"""ComfyUI's template library from the `comfyui-workflow-templates` packages, served
at /templates/ as ComfyUI serves it when they are installed. The packages (meta, core
and the JSON bundle; the media bundles are large and left out) are fetched from PyPI
with `pip download` at test time and put on the server's path."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.live_server import live_server

PACKAGES = ("comfyui-workflow-templates==0.11.97", "comfyui-workflow-templates-core==0.3.388",
            "comfyui-workflow-templates-json==0.1.123")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_installed_template_library(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    got = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), *PACKAGES],
                         capture_output=True, text=True, timeout=300)
    if got.returncode != 0:
        pytest.skip(f"comfyui-workflow-templates could not be downloaded: {got.stderr[-300:]}")
    site = tmp_path / "site"
    for wheel in wheels.glob("*.whl"):
        with zipfile.ZipFile(wheel) as whl:
            whl.extractall(site)
    with live_server(tmp_path / "user", env={"PYTHONPATH": str(site)}) as server:
        status, body = fetch(server.url + "/templates/index.json")
        assert status == 200
        index = json.loads(body)
        names = [t["name"] for module in index for t in module["templates"]]
        assert len(names) > 50 and "hello_poster" not in names  # the library, not our examples
        status, body = fetch(f"{server.url}/templates/{names[0]}.json")
        assert status == 200 and isinstance(json.loads(body), dict)
        assert fetch(server.url + "/templates/index.zh.json")[0] == 200
        # thumbnails live in the media bundles, not installed here: 404 as in ComfyUI
        assert fetch(f"{server.url}/templates/{names[0]}-1.webp")[0] == 404
        assert fetch(server.url + "/templates/../pyproject.toml")[0] == 404
