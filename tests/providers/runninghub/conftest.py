"""RunningHub test fixtures: the fake server, a runtime pointed at it with the
fixture key, and graph builders (each output of the node under test feeds a
consumer, so its values reach the job record)."""
from __future__ import annotations

import json
import importlib
from types import ModuleType, SimpleNamespace
from typing import Any, AsyncIterator

import pytest

from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime
from tests.fakes.runninghub import API_KEY, WEBAPP_ID, WORKFLOW_ID, RunningHubFake
from tests.providers.conftest import configure

OVERRIDES = json.dumps([{"nodeId": "6", "fieldName": "text", "fieldValue": "a glass teapot, studio light"},
                        {"nodeId": "3", "fieldName": "seed", "fieldValue": 42}])


@pytest.fixture
async def rh() -> AsyncIterator[RunningHubFake]:
    async with RunningHubFake() as fake:
        yield fake


@pytest.fixture
def rrt(prt: Runtime, rh: RunningHubFake) -> Runtime:
    configure(prt, "runninghub", rh.url, api_key=API_KEY)
    return prt


@pytest.fixture
def pack(full_registry: Registry) -> SimpleNamespace:
    """The runninghub pack's modules as the registry loaded them: ``custom_nodes`` is not
    an importable package by itself, so tests reach the pack through the loader."""
    def load(module: str) -> ModuleType:
        return importlib.import_module(f"custom_nodes.runninghub.{module}")
    return SimpleNamespace(client=load("client"), models=load("models"))


def consumers(node_id: str) -> dict[str, Any]:
    return {"save": {"class_type": "SaveImage", "inputs": {"images": [node_id, 0], "filename_prefix": "rh"}},
            "video": {"class_type": "PreviewAny", "inputs": {"source": [node_id, 1]}},
            "urls": {"class_type": "PreviewAny", "inputs": {"source": [node_id, 2]}},
            "task": {"class_type": "PreviewAny", "inputs": {"source": [node_id, 3]}}}


def with_image(graph: dict[str, Any], size: tuple[int, int] = (320, 200), node_id: str = "10") -> dict[str, Any]:
    graph["img"] = {"class_type": "EmptyImage", "inputs": {"width": size[0], "height": size[1], "batch_size": 1,
                                                           "color": 0x20A040}}
    graph["1"]["inputs"].update(image=["img", 0], image_node_id=node_id)
    return graph


def workflow_graph(*, image: bool = False, **inputs: Any) -> dict[str, Any]:
    node = {"class_type": "RunningHubWorkflow",
            "inputs": {"workflow_id": WORKFLOW_ID, "node_overrides": OVERRIDES, **inputs}}
    graph = {"1": node, **consumers("1")}
    return with_image(graph) if image else graph


def app_graph(*, image: bool = False, **inputs: Any) -> dict[str, Any]:
    node = {"class_type": "RunningHubAIApp", "inputs": {"webapp_id": WEBAPP_ID, "node_overrides": OVERRIDES,
                                                         **inputs}}
    graph = {"1": node, **consumers("1")}
    return with_image(graph) if image else graph


def kind(record) -> str:
    """The error's class name (the record holds the qualified name)."""
    return record.error["exception_type"].rsplit(".", 1)[-1]
