"""Fixtures for the SiliconFlow pack: the SiliconFlow fake, a runtime pointed at it,
graph builders and helpers that read what the nodes produced."""
from __future__ import annotations

from types import ModuleType
from typing import Any, AsyncIterator

import numpy as np
import pytest
from PIL import Image

from keroro_graph.runtime import Runtime
from tests.fakes.siliconflow import SiliconFlowFake
from tests.providers.conftest import pack_module as shared_pack_module, configure

KEY = "sk-fake-siliconflow-0123456789"
WRONG_KEY = "sk-wrong-siliconflow-987654321"


@pytest.fixture
async def fake() -> AsyncIterator[SiliconFlowFake]:
    async with SiliconFlowFake(api_key=KEY) as server:
        yield server


@pytest.fixture
async def rt(prt: Runtime, fake: SiliconFlowFake) -> Runtime:
    configure(prt, "siliconflow", f"{fake.url}/v1", api_key=KEY)
    return prt


def chat_graph(**inputs: Any) -> dict[str, Any]:
    values = {"model": "deepseek-ai/DeepSeek-V3", "system_prompt": "", "prompt": "hello there",
              "temperature": 0.7, "max_tokens": 512, "stream": False, **inputs}
    return {"1": {"class_type": "SiliconFlowChat", "inputs": values},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
            "3": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


def image_graph(**inputs: Any) -> dict[str, Any]:
    values = {"model": "Kwai-Kolors/Kolors", "prompt": "a red chair on white", "negative_prompt": "",
              "image_size": "1024x1024", "batch_size": 1, "num_inference_steps": 20, "guidance_scale": 7.5,
              "seed": 42, **inputs}
    return {"1": {"class_type": "SiliconFlowImage", "inputs": values},
            "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}


def video_graph(**inputs: Any) -> dict[str, Any]:
    values = {"model": "Wan-AI/Wan2.2-T2V-A14B", "prompt": "a paper boat drifting on a pond",
              "negative_prompt": "", "image_size": "1280x720", "seed": 0, **inputs}
    return {"1": {"class_type": "SiliconFlowVideo", "inputs": values},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
            "3": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}


def with_frame(graph: dict[str, Any], target: str = "1", name: str = "image") -> dict[str, Any]:
    graph["0"] = {"class_type": "EmptyImage", "inputs": {"width": 48, "height": 32, "batch_size": 1,
                                                           "color": 0x3366CC}}
    graph[target]["inputs"][name] = ["0", 0]
    return graph


def error_of(record: Any) -> dict[str, Any]:
    assert record.status.value == "error", record
    return record.error


def text_of(record: Any, node_id: str = "2") -> str:
    return record.outputs[node_id]["text"][0]


def frames_of(rt: Runtime, record: Any, node_id: str = "2") -> list[np.ndarray]:
    """The frames PreviewImage wrote, as uint8 arrays."""
    return [np.asarray(Image.open(rt.settings.paths.temp / item["subfolder"] / item["filename"]).convert("RGB"))
            for item in record.outputs[node_id]["images"]]




def pack_module(rt: Runtime, class_type: str, name: str) -> ModuleType:
    return shared_pack_module(rt.registry, class_type, name)
