"""Packs written for ComfyUI load through the compatibility layer: ComfyUI's module
names import, V1 and V3 (comfy_entrypoint) nodes register, a pack importing what the
layer lacks fails alone naming module and name, and model entry points fail only
when called."""
from __future__ import annotations

import sys

from keroro_graph.jobs.backend import JobStatus
from tests.conftest import run_graph


def test_v1_and_v3_nodes_of_a_comfy_pack_register(registry):
    pack = next(p for p in registry.packs if p.name == "kg_comfy_pack")
    assert pack.loaded, pack.error
    assert {"KGSaveWithPrefix", "KGTensorInfo", "KGRepeatAdd", "KGV3Scale", "KGV3AsyncPick",
            "KGV3Dynamic"} <= set(pack.node_types)
    assert registry["KGTensorInfo"].display_name == "Tensor Info (KG)"
    scale = registry["KGV3Scale"]
    assert scale.display_name == "Scale (V3)" and scale.category == "kg/v3"
    assert [o.name for o in scale.outputs] == ["scaled", "STRING"]
    assert scale.input("factor").options["step"] == 0.5
    assert scale.input("mode").choices == ["round", "floor"]
    assert registry["KGV3AsyncPick"].input("a").lazy


def test_a_pack_importing_a_missing_name_fails_alone_naming_it(registry):
    broken = next(p for p in registry.packs if p.name == "broken_import_pack")
    assert not broken.loaded
    assert "a_name_comfy_never_had" in broken.error and "comfy.utils" in broken.error
    assert next(p for p in registry.packs if p.name == "kg_comfy_pack").loaded


def test_our_nodes_package_carries_comfyui_names_for_packs(registry):
    nodes = sys.modules["nodes"]
    assert nodes.MAX_RESOLUTION == 16384
    assert nodes.NODE_CLASS_MAPPINGS["KGTensorInfo"].FUNCTION == "run"
    assert callable(nodes.KSampler)  # importable; fails only when used
    try:
        nodes.KSampler()
    except RuntimeError as exc:
        assert "model stack" in str(exc)
    else:
        raise AssertionError("KSampler ran without a model stack")


async def test_a_model_entry_point_fails_at_run_time_naming_the_node(runtime):
    graph = {"l": {"class_type": "KGLoadCheckpoint", "inputs": {"ckpt_name": "none"}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["l", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.ERROR
    assert record.error["node_id"] == "l" and record.error["node_type"] == "KGLoadCheckpoint"
    assert "comfy.sd.load_checkpoint_guess_config needs ComfyUI's model stack" in record.error["exception_message"]


async def test_graphbuilder_expansion_and_execution_blocker_from_comfy_modules(runtime):
    graph = {"r": {"class_type": "KGRepeatAdd", "inputs": {"value": 1, "amount": 5, "times": 4}},
             "g": {"class_type": "KGGate", "inputs": {"value": ["r", 0], "open": True}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["g", 0]}},
             "shut": {"class_type": "KGGate", "inputs": {"value": ["r", 0], "open": False}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["shut", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"] == ["21"]
    assert "o2" not in record.outputs  # silently blocked


async def test_v3_nodes_run_with_hidden_inputs_ui_lazy_async_and_dynamic_inputs(runtime):
    graph = {"s": {"class_type": "KGV3Scale", "inputs": {"value": 7, "factor": 1.5, "mode": "floor"}},
             "o1": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["s", 1]}},
             "c": {"class_type": "TestConst", "inputs": {"value": 4}},
             "bad": {"class_type": "TestFail", "inputs": {"value": ["c", 0]}},
             "p": {"class_type": "KGV3AsyncPick", "inputs": {"first": False, "a": ["bad", 0], "b": ["c", 0]}},
             "o3": {"class_type": "TestOutput", "inputs": {"source": ["p", 0]}},
             "d": {"class_type": "KGV3Dynamic", "inputs": {"shape": "rect", "shape.w": 4, "shape.h": 5,
                                                           "extra.n0": 1, "extra.n1": 2}},
             "o4": {"class_type": "TestOutput", "inputs": {"source": ["d", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o1"]["text"] == ["10"]
    assert record.outputs["o2"]["text"] == ["s:10"]  # cls.hidden.unique_id
    assert record.outputs["s"] == {"text": ["10"]}  # ui.PreviewText
    assert record.outputs["o3"]["text"] == ["4"]  # lazy: the failing branch never ran
    assert record.outputs["o4"]["text"] == ["23"]


async def test_v3_validate_inputs_refuses_and_fingerprint_decides_reruns(runtime):
    refused = await runtime.jobs.submit({"s": {"class_type": "KGV3Scale", "inputs": {"value": 1, "factor": 3.0,
                                                                                     "mode": "round"}},
                                         "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}})
    assert not refused.accepted
    assert "factor 3 is not allowed" in str(refused.as_json())
    scale = sys.modules["custom_nodes.kg_comfy_pack.v3_nodes"].KGV3Scale
    graph = {"s": {"class_type": "KGV3Scale", "inputs": {"value": 2, "factor": 2.0, "mode": "round"}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
    before = scale.calls
    await run_graph(runtime, graph)
    await run_graph(runtime, graph)
    assert scale.calls == before + 1  # same fingerprint: the second run is a cache hit

