"""Fixtures for the built-in node tests: real user folders under tmp_path and a real
NodeContext whose events land in a list."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from keroro_graph.api import NodeContext, Paths
from keroro_graph.engine.context import CancelToken

WORKFLOW = {"nodes": [{"id": 5, "type": "SaveImage"}], "links": []}


@pytest.fixture
def paths(tmp_path) -> Paths:
    folders = Paths.under(tmp_path / "user")
    for folder in (folders.input, folders.output, folders.temp):
        folder.mkdir(parents=True)
    return folders


@pytest.fixture
def events() -> list[Any]:
    return []


@pytest.fixture
def make_ctx(paths, events) -> Callable[..., NodeContext]:
    def build(class_type: str = "SaveImage", *, prompt: dict[str, Any] | None = None,
              extra_pnginfo: dict[str, Any] | None = None, token: CancelToken | None = None) -> NodeContext:
        return NodeContext(
            paths=paths, job_id="j", node_id="5", class_type=class_type,
            prompt=prompt if prompt is not None else {"5": {"class_type": class_type, "inputs": {}}},
            extra_data={"extra_pnginfo": extra_pnginfo if extra_pnginfo is not None else {"workflow": WORKFLOW}},
            emit=events.append, token=token or CancelToken())
    return build


@pytest.fixture
def ctx(make_ctx) -> NodeContext:
    return make_ctx()


def _ramp(height: int = 4, width: int = 6, batch: int = 1, channels: int = 3) -> np.ndarray:
    count = batch * height * width * channels
    return (np.arange(count, dtype=np.float32) / count).reshape(batch, height, width, channels)


@pytest.fixture
def ramp() -> Callable[..., np.ndarray]:
    """Builds a float32 IMAGE whose every value differs, for tracking where pixels go."""
    return _ramp
