"""IMAGE and MASK reach ComfyUI pack nodes as torch tensors sharing memory with our
numpy arrays, and their tensor outputs come back as numpy: our own nodes never see
torch. Runs only where the ``torch`` extra is installed (CI installs it)."""
from __future__ import annotations

import numpy as np
import pytest

from keroro_graph.comfy_compat import from_pack, to_pack
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import run_graph

torch = pytest.importorskip("torch")


def test_conversion_shares_memory_both_ways():
    array = np.zeros((1, 2, 2, 3), np.float32)
    tensor = to_pack(array)
    assert isinstance(tensor, torch.Tensor)
    tensor[0, 0, 0, 0] = 0.5
    assert array[0, 0, 0, 0] == 0.5  # torch.from_numpy: no copy
    back = from_pack(tensor)
    assert isinstance(back, np.ndarray) and np.shares_memory(back, array)
    latent = to_pack({"samples": array, "batch_index": [0]})
    assert isinstance(latent["samples"], torch.Tensor) and latent["batch_index"] == [0]


async def test_pack_nodes_get_tensors_and_our_nodes_get_numpy(runtime):
    graph = {"img": {"class_type": "EmptyImage", "inputs": {"width": 4, "height": 3, "batch_size": 1,
                                                           "color": 0x404040}},
             "t": {"class_type": "KGTensorInfo", "inputs": {"image": ["img", 0], "gain": 2.0}},
             "kind": {"class_type": "FlowTypeOf", "inputs": {"value": ["t", 0]}},
             "o1": {"class_type": "TestOutput", "inputs": {"source": ["kind", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["t", 1]}},
             "inv": {"class_type": "ImageInvert", "inputs": {"image": ["t", 0]}},
             "save": {"class_type": "KGSaveWithPrefix", "inputs": {"images": ["inv", 0], "stem": "inv"}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o1"]["text"] == ["numpy.ndarray"]
    assert record.outputs["o2"]["text"] == ["torch.Tensor 1x3x4x3 on cpu"]
    saved = record.outputs["save"]["images"][0]
    assert saved["subfolder"] == "packs" and saved["filename"].startswith("inv_00001_")
    from PIL import Image
    with Image.open(runtime.settings.paths.output / "packs" / saved["filename"]) as png:
        pixel = png.getpixel((0, 0))
    value = np.float32(1.0) - np.float32(2.0) * np.float32(0x40 / 255)
    expected = int(np.clip(255.0 * value, 0, 255).astype(np.uint8))  # ComfyUI truncates
    assert pixel == (expected,) * 3


async def test_packs_call_our_builtins_through_comfyuis_names(runtime):
    graph = {"img": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
             "b": {"class_type": "KGBatchTwice", "inputs": {"image": ["img", 0]}},
             "t": {"class_type": "KGTensorInfo", "inputs": {"image": ["b", 0], "gain": 1.0}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["t", 1]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"][0].split(" ")[1] == "2x8x8x3"
