"""ComfyUI's own workflow templates and the facts to check them against: the wheel
``comfyui-workflow-templates-json==0.1.123`` downloaded with pip into a cache folder
(never committed), the frontend's reference conversions and ComfyUI's declarations
(tests/fixtures/comfyui), and a registry that knows every node we implement plus,
for the rest, ComfyUI's declaration alone (to check conversion without running)."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from keroro_graph.registry import Registry, load_registry
from keroro_graph.registry.declared import comfy_node
from keroro_graph.registry.registry import PackRecord
from keroro_graph.settings import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "comfyui"
WHEEL = "comfyui-workflow-templates-json==0.1.123"
CACHE = Path(os.environ.get("KERORO_TEMPLATE_CACHE", Path.home() / ".cache" / "keroro-graph" / "templates-0.1.123"))


def in_scope() -> list[str]:
    return [line.strip() for line in (FIXTURES / "api-templates-in-scope.txt").read_text().splitlines() if line.strip()]


@lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    return json.loads(gzip.decompress((FIXTURES / "frontend-conversions-templates-0.1.123.json.gz").read_bytes()))


@lru_cache(maxsize=1)
def comfy_object_info() -> dict[str, Any]:
    return json.loads(gzip.decompress((FIXTURES / "object_info-0.29.0.json.gz").read_bytes()))


def template_dir() -> Path:
    """The templates folder of the wheel, downloaded once with pip (PyPI) and unpacked."""
    folder = CACHE / "templates"
    if folder.is_dir() and any(folder.glob("*.json")):
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE), WHEEL],
                   check=True, capture_output=True, timeout=300)
    wheel = next(CACHE.glob("comfyui_workflow_templates_json-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("comfyui_workflow_templates_json/templates/") and name.endswith(".json"):
                target = folder / Path(name).name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    return folder


def load_template(name: str) -> dict[str, Any]:
    return json.loads((template_dir() / name).read_text(encoding="utf-8"))


def our_registry() -> Registry:
    return load_registry(custom_dirs=[REPO_ROOT / "custom_nodes"])


@lru_cache(maxsize=1)
def declared_registry() -> Registry:
    """Our nodes, plus ComfyUI's declaration of every other node (not runnable)."""
    registry = our_registry()
    pack = PackRecord(name="comfyui-declarations", path=FIXTURES, module="comfyui_declarations")
    registry.packs.append(pack)
    for class_type, entry in comfy_object_info().items():
        if class_type not in registry:
            def declared_only(**_: Any) -> Any:
                raise RuntimeError("declaration only")
            spec = comfy_node({**entry, "name": class_type})(declared_only).__node_spec__
            registry.add(spec, pack)
    return registry
