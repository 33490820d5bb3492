"""Qwen test fixtures: the fake DashScope server, a runtime pointed at it with the
fixture key, graph builders for both nodes, and a way to read the saved images."""
from __future__ import annotations

from typing import Any, AsyncIterator

import numpy as np
import pytest

from keroro_graph import media
from keroro_graph.engine.events import NodeText
from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime
from tests.fakes.dashscope import API_KEY, DashScopeFake
from tests.providers.conftest import configure, pack_module


@pytest.fixture
async def dashscope() -> AsyncIterator[DashScopeFake]:
    async with DashScopeFake() as fake:
        yield fake


@pytest.fixture
def qrt(prt: Runtime, dashscope: DashScopeFake) -> Runtime:
    """The runtime, configured for the fake with the right key."""
    configure(prt, "dashscope", dashscope.url, api_key=API_KEY)
    return prt


@pytest.fixture
def client_module(full_registry: Registry) -> Any:
    """The pack's ``client`` module, as the loader imported it."""
    return pack_module(full_registry, "QwenTextToImage", "client")


@pytest.fixture
def choices_module(full_registry: Registry) -> Any:
    return pack_module(full_registry, "QwenTextToImage", "choices")


def t2i_graph(**inputs: Any) -> dict[str, Any]:
    node = {"class_type": "QwenTextToImage",
            "inputs": {"prompt": "a red ceramic mug on a marble table", "model": "wan2.2-t2i-flash",
                       "size": "320*240", **inputs}}
    return {"1": node,
            "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "qwen"}},
            "task": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


def vision_graph(images: int = 0, **inputs: Any) -> dict[str, Any]:
    graph: dict[str, Any] = {
        "1": {"class_type": "QwenVision", "inputs": {"prompt": "What is on the table?", **inputs}},
        "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
    if images:
        graph["img"] = {"class_type": "EmptyImage",
                        "inputs": {"width": 96, "height": 64, "batch_size": images, "color": 0x3366CC}}
        graph["1"]["inputs"]["images"] = ["img", 0]
    return graph


def saved(rt: Runtime, record: Any, node_id: str = "save") -> list[np.ndarray]:
    files = record.outputs[node_id]["images"]
    return [media.decode((rt.settings.paths.output / f["subfolder"] / f["filename"]).read_bytes())[0][0]
            for f in files]


def texts(record: Any, node_id: str) -> str:
    return record.outputs[node_id]["text"][0]


def status_lines(rt: Runtime) -> list[str]:
    lines: list[str] = []
    rt.bus.subscribe(lambda e: lines.append(e.text) if isinstance(e, NodeText) else None)
    return lines


def kind(record: Any) -> str:
    return record.error["exception_type"].rsplit(".", 1)[-1]
