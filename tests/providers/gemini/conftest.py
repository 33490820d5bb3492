"""Gemini pack fixtures: the fake native Gemini API and two fake relays (Comfly and
T8Star, each with its own key), a runtime pointed at them, graph builders for each
node (outputs wired to SaveImage / PreviewAny so they reach the job record), and a
reader for the saved images."""
from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any, AsyncIterator

import numpy as np
import pytest
from PIL import Image

from keroro_graph.registry import Registry
from keroro_graph.runtime import Runtime
from tests.fakes.gemini import GOOD_KEY, GeminiFake
from tests.fakes.relay import RelayFake
from tests.providers.conftest import configure

#: The hub keeps a few pools per origin (one per client, handed out in turn): however
#: many jobs run, connections to one fake stay at or under this.
MAX_POOLED_CONNECTIONS = 8
COMFLY_KEY = "sk-comfly-fixture"
T8STAR_KEY = "sk-t8star-fixture"


@pytest.fixture
async def gemini() -> AsyncIterator[GeminiFake]:
    async with GeminiFake() as fake:
        yield fake


@pytest.fixture
async def comfly() -> AsyncIterator[RelayFake]:
    async with RelayFake(key=COMFLY_KEY) as fake:
        yield fake


@pytest.fixture
async def t8star() -> AsyncIterator[RelayFake]:
    async with RelayFake(key=T8STAR_KEY) as fake:
        yield fake


@pytest.fixture
def pack(full_registry: Registry) -> SimpleNamespace:
    """The gemini pack's modules as the registry loaded them: ``custom_nodes`` is not
    an importable package by itself, so tests reach the pack through the loader."""
    names = ("client", "relay_client", "models", "options", "frames", "text_images")
    return SimpleNamespace(**{n: importlib.import_module(f"custom_nodes.gemini.{n}") for n in names})


@pytest.fixture
def grt(prt: Runtime, gemini: GeminiFake) -> Runtime:
    """The runtime with the native Gemini API pointed at its fake."""
    configure(prt, "gemini", gemini.base_url, api_key=GOOD_KEY)
    return prt


@pytest.fixture
def rrt(prt: Runtime, comfly: RelayFake, t8star: RelayFake) -> Runtime:
    """The runtime with both relays pointed at their fakes."""
    configure(prt, "comfly", comfly.url, api_key=COMFLY_KEY)
    configure(prt, "t8star", t8star.url, api_key=T8STAR_KEY)
    return prt


def kind(record: Any) -> str:
    """The error's class name (the record holds the qualified name)."""
    return record.error["exception_type"].rsplit(".", 1)[-1]


def source(width: int = 300, height: int = 200, batch: int = 1, color: int = 0x3366CC) -> dict[str, Any]:
    return {"class_type": "EmptyImage", "inputs": {"width": width, "height": height, "batch_size": batch,
                                                   "color": color}}


def image_graph(class_type: str, *, frames: tuple[int, int, int] | None = None, **inputs: Any) -> dict[str, Any]:
    """``class_type`` (an image node) → SaveImage + PreviewAny of its text; ``frames``
    (width, height, batch) adds an EmptyImage input."""
    graph: dict[str, Any] = {
        "1": {"class_type": class_type, "inputs": {"prompt": "a ceramic mug on a marble table", **inputs}},
        "save": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "gemini"}},
        "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}},
    }
    if frames is not None:
        graph["src"] = source(*frames)
        graph["1"]["inputs"]["images"] = ["src", 0]
    return graph


def vision_graph(*, frames: tuple[int, int, int] | None = None, **inputs: Any) -> dict[str, Any]:
    graph: dict[str, Any] = {
        "1": {"class_type": "GeminiVision", "inputs": {"prompt": "What is in the picture?", **inputs}},
        "text": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
    }
    if frames is not None:
        graph["src"] = source(*frames)
        graph["1"]["inputs"]["images"] = ["src", 0]
    return graph


def saved_images(rt: Runtime, record: Any, node_id: str = "save") -> list[np.ndarray]:
    """The RGB pixels of every file SaveImage wrote."""
    out = []
    for entry in record.outputs[node_id]["images"]:
        path = rt.settings.paths.output / entry["subfolder"] / entry["filename"]
        with Image.open(path) as img:
            out.append(np.asarray(img.convert("RGB")))
    return out


def text_of(record: Any, node_id: str = "text") -> str:
    return record.outputs[node_id]["text"][0]
