"""ModelScope test fixtures: the fake ModelScope server, a runtime pointed at it with
the fixture token, graph builders for both nodes, and status-line capture."""
from __future__ import annotations

from typing import Any, AsyncIterator

import numpy as np
import pytest

from keroro_graph import media
from keroro_graph.engine.events import NodeText
from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime
from tests.fakes.modelscope import TOKEN, ModelScopeFake
from tests.providers.conftest import configure, pack_module


@pytest.fixture
async def modelscope() -> AsyncIterator[ModelScopeFake]:
    async with ModelScopeFake() as fake:
        yield fake


@pytest.fixture
def mrt(prt: Runtime, modelscope: ModelScopeFake) -> Runtime:
    """The runtime, configured for the fake with the right token."""
    configure(prt, "modelscope", modelscope.url + "/v1", token=TOKEN)
    return prt


@pytest.fixture
def client_module(full_registry: Registry) -> Any:
    """The pack's ``client`` module, as the loader imported it."""
    return pack_module(full_registry, "ModelScopeImage", "client")


@pytest.fixture
def models_module(full_registry: Registry) -> Any:
    return pack_module(full_registry, "ModelScopeImage", "models")


def image_graph(image: tuple[int, int] | None = None, **inputs: Any) -> dict[str, Any]:
    graph: dict[str, Any] = {
        "1": {"class_type": "ModelScopeImage",
              "inputs": {"prompt": "a red ceramic mug on a marble table", "size": "320x240", **inputs}},
        "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "modelscope"}},
        "task": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}
    if image is not None:
        graph["img"] = {"class_type": "EmptyImage",
                        "inputs": {"width": image[0], "height": image[1], "batch_size": 1, "color": 0x3366CC}}
        graph["1"]["inputs"]["image"] = ["img", 0]
    return graph


def chat_graph(images: int = 0, **inputs: Any) -> dict[str, Any]:
    graph: dict[str, Any] = {
        "1": {"class_type": "ModelScopeChat", "inputs": {"prompt": "Name this product.", **inputs}},
        "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
    if images:
        graph["img"] = {"class_type": "EmptyImage",
                        "inputs": {"width": 80, "height": 60, "batch_size": images, "color": 0x3366CC}}
        graph["1"]["inputs"]["images"] = ["img", 0]
    return graph


def status_lines(rt: Runtime) -> list[str]:
    lines: list[str] = []
    rt.bus.subscribe(lambda e: lines.append(e.text) if isinstance(e, NodeText) else None)
    return lines


def kind(record: Any) -> str:
    return record.error["exception_type"].rsplit(".", 1)[-1]


def saved(rt: Runtime, record: Any, node_id: str = "save") -> list[np.ndarray]:
    files = record.outputs[node_id]["images"]
    return [media.decode((rt.settings.paths.output / f["subfolder"] / f["filename"]).read_bytes())[0][0]
            for f in files]


def texts(record: Any, node_id: str) -> str:
    return record.outputs[node_id]["text"][0]
