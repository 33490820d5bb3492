"""Kling test fixtures: the fake Kling server, a runtime pointed at it with the
fixture keys, and graph builders for each node (each node feeds PreviewAny nodes so
its outputs reach the job record)."""
from __future__ import annotations

import asyncio
import importlib
from types import ModuleType, SimpleNamespace
from typing import Any, AsyncIterator

import pytest

from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.providers.conftest import configure


@pytest.fixture
async def kling() -> AsyncIterator[KlingFake]:
    async with KlingFake() as fake:
        yield fake


@pytest.fixture
def krt(prt: Runtime, kling: KlingFake) -> Runtime:
    """The runtime, configured for the fake with the right keys."""
    configure(prt, "kling", kling.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    return prt


@pytest.fixture
def pack(full_registry: Registry) -> SimpleNamespace:
    """The kling pack's modules as the registry loaded them: ``custom_nodes`` is not
    an importable package by itself, so tests reach the pack through the loader."""
    def load(module: str) -> ModuleType:
        return importlib.import_module(f"custom_nodes.kling.{module}")
    return SimpleNamespace(client=load("client"), models=load("models"))


async def cancel_mid_poll(rt: Runtime, kling: KlingFake, graph: dict[str, Any]) -> None:
    """Submit ``graph`` with the task held, cancel once it is being polled, and check
    the job ends interrupted and nothing more is sent."""
    from keroro_graph.jobs.backend import JobStatus
    from tests.conftest import until
    kling.hold = True
    sub = await rt.jobs.submit(graph)
    assert sub.accepted
    await until(lambda: len(kling.polls()) >= 2)
    await rt.jobs.cancel(sub.prompt_id)
    record = await rt.jobs.wait(sub.prompt_id, timeout_s=1.0)
    assert record.status == JobStatus.INTERRUPTED
    seen = len(kling.requests)
    await asyncio.sleep(0.3)
    assert len(kling.requests) == seen


def previews(node_id: str, outputs: int) -> dict[str, Any]:
    return {f"p{i}": {"class_type": "PreviewAny", "inputs": {"source": [node_id, i]}} for i in range(outputs)}


def t2v_graph(**inputs: Any) -> dict[str, Any]:
    node = {"class_type": "KlingTextToVideo", "inputs": {"prompt": "a red fox running through snow", **inputs}}
    return {"1": node, **previews("1", 2)}


def image_node(width: int = 640, height: int = 360, color: int = 0x3366CC) -> dict[str, Any]:
    return {"class_type": "EmptyImage", "inputs": {"width": width, "height": height, "batch_size": 1,
                                                   "color": color}}


def i2v_graph(*, start: tuple[int, int] = (640, 360), end: tuple[int, int] | None = None,
              **inputs: Any) -> dict[str, Any]:
    graph = {"img": image_node(*start),
             "1": {"class_type": "KlingImageToVideo",
                   "inputs": {"start_frame": ["img", 0], "prompt": "the product turns slowly", **inputs}},
             **previews("1", 2)}
    if end is not None:
        graph["end"] = image_node(*end, color=0xCC6633)
        graph["1"]["inputs"]["end_frame"] = ["end", 0]
    return graph


def image_graph(*, reference: tuple[int, int] | None = None, **inputs: Any) -> dict[str, Any]:
    graph = {"1": {"class_type": "KlingImageGeneration",
                   "inputs": {"prompt": "a ceramic mug on a wooden table", **inputs}},
             "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "kling"}},
             "p1": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}
    if reference is not None:
        graph["ref"] = image_node(*reference)
        graph["1"]["inputs"]["reference_image"] = ["ref", 0]
    return graph
