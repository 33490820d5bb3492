"""Fixtures for the OpenAI-compatible pack: an OpenAI-shaped fake, a runtime with
OhMyGPT and CherryIN pointed at it, graph builders and helpers that read what the
nodes produced (text through PreviewAny, pixels through PreviewImage)."""
from __future__ import annotations

from types import ModuleType
from typing import Any, AsyncIterator

import numpy as np
import pytest
from PIL import Image

from keroro_graph.runtime import Runtime
from tests.fakes.openai import OpenAIFake
from tests.providers.conftest import pack_module as shared_pack_module, configure

KEY = "sk-fake-openai-0123456789"
WRONG_KEY = "sk-wrong-key-9876543210"
ENDPOINTS = ("ohmygpt", "cherryin")


@pytest.fixture
async def fake() -> AsyncIterator[OpenAIFake]:
    async with OpenAIFake(api_key=KEY) as server:
        yield server


@pytest.fixture
async def rt(prt: Runtime, fake: OpenAIFake) -> Runtime:
    """The runtime with both relays pointed at the fake (as ``…/v1``, like the real hosts)."""
    for endpoint in ENDPOINTS:
        configure(prt, endpoint, f"{fake.url}/v1", api_key=KEY)
    return prt


def chat_graph(**inputs: Any) -> dict[str, Any]:
    values = {"endpoint": "ohmygpt", "model": "", "system_prompt": "", "prompt": "hello there",
              "temperature": 0.7, "max_tokens": 256, "seed": 1, "stream": False, **inputs}
    return {"1": {"class_type": "OpenAIChat", "inputs": values},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}


def image_graph(**inputs: Any) -> dict[str, Any]:
    values = {"endpoint": "ohmygpt", "model": "dall-e-3", "prompt": "a red chair on white",
              "size": "1024x1024", "n": 1, "response_format": "url", **inputs}
    return {"1": {"class_type": "OpenAIImage", "inputs": values},
            "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}


def text_of(record: Any, node_id: str = "2") -> str:
    return record.outputs[node_id]["text"][0]


def frames_of(rt: Runtime, record: Any, node_id: str = "2") -> list[np.ndarray]:
    """The frames PreviewImage wrote, as uint8 arrays."""
    found = []
    for item in record.outputs[node_id]["images"]:
        path = rt.settings.paths.temp / item["subfolder"] / item["filename"]
        found.append(np.asarray(Image.open(path).convert("RGB")))
    return found


def error_of(record: Any) -> dict[str, Any]:
    assert record.status.value == "error", record
    return record.error




def pack_module(rt: Runtime, class_type: str, name: str) -> ModuleType:
    return shared_pack_module(rt.registry, class_type, name)
