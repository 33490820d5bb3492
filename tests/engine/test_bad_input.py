"""Bad input never crashes anything: it yields an error naming the node and input,
and no job record is lost."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from keroro_graph.graph import validate_prompt
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.registry import load_registry
from keroro_graph.runtime import build_runtime
from keroro_graph.settings import Settings
from tests.conftest import FIXTURE_PACKS, chain, run_graph


def load_graph(name: str) -> dict:
    return {"1": {"class_type": "LoadImage", "inputs": {"image": name}},
            "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}


async def test_missing_image_file_is_a_validation_error_naming_node_and_input(runtime):
    submitted = await runtime.jobs.submit(load_graph("nope.png"))
    assert not submitted.accepted
    error = submitted.node_errors["1"]["errors"][0]
    assert error["extra_info"]["input_name"] == "image"
    assert "nope.png" in error["details"]


async def test_path_escape_is_refused(runtime):
    submitted = await runtime.jobs.submit(load_graph("../../etc/passwd"))
    assert not submitted.accepted
    assert submitted.node_errors["1"]["errors"][0]["extra_info"]["input_name"] == "image"


async def test_undecodable_image_fails_the_job_with_the_node_named(runtime):
    (runtime.settings.paths.input / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    record = await run_graph(runtime, load_graph("broken.png"))
    assert record.status is JobStatus.ERROR
    assert record.error["node_id"] == "1" and record.error["node_type"] == "LoadImage"
    assert "broken.png" in record.error["exception_message"]
    assert (await run_graph(runtime, chain(2))).status is JobStatus.SUCCESS


async def test_real_image_round_trip(runtime):
    from PIL import Image
    Image.new("RGBA", (40, 30), (255, 0, 0, 128)).save(runtime.settings.paths.input / "red.png")
    record = await run_graph(runtime, load_graph("red.png"))
    assert record.status is JobStatus.SUCCESS, record.error
    saved = record.outputs["2"]["images"][0]
    assert saved["type"] == "temp"
    assert Image.open(runtime.settings.paths.temp / saved["subfolder"] / saved["filename"]).size == (40, 30)


async def test_third_party_v1_pack_in_a_temporary_folder_loads_and_runs(tmp_path):
    packs = tmp_path / "custom_nodes"
    (packs / "third_party").mkdir(parents=True)
    source = (FIXTURE_PACKS / "comfy_style_pack" / "__init__.py").read_text()
    (packs / "third_party" / "__init__.py").write_text(
        source.replace("from .list_nodes import NODE_CLASS_MAPPINGS as LIST_NODES", "LIST_NODES = {}")
        .replace('"StyleMultiply"', '"ThirdPartyMultiply"').replace('"StyleShow"', '"ThirdPartyShow"'))
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[packs])
    async with build_runtime(settings) as rt:
        assert rt.registry.pack_of("ThirdPartyMultiply").name == "third_party"
        record = await run_graph(rt, {
            "m": {"class_type": "ThirdPartyMultiply", "inputs": {"value": 6, "factor": 2.5, "mode": "round"}},
            "s": {"class_type": "ThirdPartyShow", "inputs": {"anything": ["m", 0]}}})
    assert record.status is JobStatus.SUCCESS and record.outputs["s"]["text"] == ["15"]


# --- fuzzing validation ---------------------------------------------------------------

_REGISTRY = load_registry(custom_dirs=[FIXTURE_PACKS])
_PATHS = Settings(user_dir=Path("/nonexistent-keroro")).paths
_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                     max_leaves=10)


def _mutate(graph: dict, data: st.DataObject) -> dict:
    graph = copy.deepcopy(graph)
    for _ in range(data.draw(st.integers(1, 4))):
        node_id = data.draw(st.sampled_from(sorted(graph)))
        node = graph[node_id]
        choice = data.draw(st.integers(0, 5))
        if not isinstance(node, dict):
            graph[node_id] = node = {"class_type": "TestConst", "inputs": node}
        if choice == 0:
            node["class_type"] = data.draw(st.sampled_from(["TestAdd", "NoSuch", 5, None, "StyleJoin"]))
        elif choice == 1 and isinstance(node.get("inputs"), dict) and node["inputs"]:
            name = data.draw(st.sampled_from(sorted(node["inputs"])))
            node["inputs"][name] = data.draw(_json | st.tuples(st.text(max_size=3), st.integers(-2, 3)).map(list))
        elif choice == 2:
            node["inputs"] = data.draw(_json)
        elif choice == 3:
            graph[node_id] = data.draw(_json)
        elif choice == 4 and isinstance(node.get("inputs"), dict):
            node["inputs"]["a"] = [data.draw(st.sampled_from(sorted(graph))), 0]
        else:
            del graph[node_id]
            if not graph:
                return {}
    return graph


@hyp_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
async def test_validation_never_raises_on_mutated_graphs(data):
    graph = _mutate(chain(4), data)
    result = await validate_prompt(graph, _REGISTRY, paths=_PATHS)
    assert result.ok or result.error["type"] in {
        "invalid_prompt", "prompt_no_outputs", "prompt_outputs_failed_validation"}
    json.dumps(result.as_json(), default=str)


@hyp_settings(max_examples=200, deadline=None)
@given(doc=_json)
async def test_validation_never_raises_on_arbitrary_json(doc):
    result = await validate_prompt(doc, _REGISTRY, paths=_PATHS)
    assert not result.ok or isinstance(doc, dict)
