"""Validation answers in ComfyUI's error JSON and names what is wrong and where."""
from __future__ import annotations

from pathlib import Path

import pytest

from keroro_graph.graph import Link, validate_prompt
from keroro_graph.registry import Paths
from tests.conftest import chain


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    p = Paths.under(tmp_path)
    p.input.mkdir(parents=True)
    return p


async def check(graph, registry, paths, **kw):
    return await validate_prompt(graph, registry, paths=paths, **kw)


def only_error(result, node_id):
    errors = result.node_errors[node_id]["errors"]
    assert len(errors) == 1, errors
    return errors[0]


async def test_valid_graph_coerces_constants(registry, paths):
    graph = {"m": {"class_type": "StyleMultiply", "inputs": {"value": "7", "factor": 2, "mode": "round"}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["m", 0]}}}
    result = await check(graph, registry, paths)
    assert result.ok and result.outputs == ["o"] and result.node_errors == {}
    node = result.graph.nodes["m"]
    assert node.inputs["value"] == 7 and isinstance(node.inputs["factor"], float)
    assert node.inputs.get("offset") is None
    assert result.graph.nodes["o"].inputs["anything"] == Link("m", 0)
    assert graph["m"]["inputs"]["value"] == "7", "the submitted document is not modified"


@pytest.mark.parametrize("doc", [[], "x", 3, None])
async def test_non_object_prompt(registry, paths, doc):
    result = await check(doc, registry, paths)
    assert result.error["type"] == "invalid_prompt"


async def test_missing_class_type_and_unknown_class(registry, paths):
    result = await check({"1": {"inputs": {}}}, registry, paths)
    assert result.error["type"] == "invalid_prompt"
    assert result.error["message"] == "Cannot execute because a node is missing the class_type property."
    assert result.error["details"] == "Node ID '#1'"
    result = await check({"1": {"class_type": "NoSuchNode", "inputs": {}}}, registry, paths)
    assert result.error["message"] == "Cannot execute because node NoSuchNode does not exist."


async def test_no_outputs(registry, paths):
    result = await check({"1": {"class_type": "TestConst", "inputs": {"value": 1}}}, registry, paths)
    assert result.error["type"] == "prompt_no_outputs"
    result = await check(chain(2), registry, paths, partial_targets=[])
    assert result.error["type"] == "prompt_no_outputs"


async def test_required_input_missing(registry, paths):
    graph = {"a": {"class_type": "TestAdd", "inputs": {"b": 1}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["a", 0]}}}
    result = await check(graph, registry, paths)
    assert result.error["type"] == "prompt_outputs_failed_validation"
    err = only_error(result, "a")
    assert err["type"] == "required_input_missing" and err["details"] == "a"
    assert result.node_errors["a"]["dependent_outputs"] == ["o"]
    assert result.node_errors["a"]["class_type"] == "TestAdd"
    assert "o" not in result.node_errors, "downstream nodes failing only because of upstream are omitted"


async def test_missing_widget_with_default_takes_the_default(registry, paths):
    graph = {"c": {"class_type": "TestConst", "inputs": {}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["c", 0]}}}
    result = await check(graph, registry, paths)
    assert result.ok and result.graph.nodes["c"].inputs["value"] == 0


async def test_range_and_type_errors(registry, paths):
    graph = {"m": {"class_type": "StyleMultiply", "inputs": {"value": 1, "factor": 101.0, "mode": "round"}},
             "e": {"class_type": "StyleEven", "inputs": {"number": 4, "label": "x"}},
             "t": {"class_type": "TestConst", "inputs": {"value": "abc"}},
             "n": {"class_type": "TestSleep", "inputs": {"value": 1, "seconds": -1}},
             "o1": {"class_type": "StyleShow", "inputs": {"anything": ["m", 0]}},
             "o2": {"class_type": "StyleShow", "inputs": {"anything": ["t", 0]}},
             "o3": {"class_type": "StyleShow", "inputs": {"anything": ["n", 0]}},
             "o4": {"class_type": "StyleShow", "inputs": {"anything": ["e", 0]}}}
    result = await check(graph, registry, paths)
    assert result.ok and result.outputs == ["o4"], "valid outputs still run"
    big = only_error(result, "m")
    assert big["type"] == "value_bigger_than_max" and big["message"] == "Value 101.0 bigger than max of 100.0"
    assert big["extra_info"]["input_name"] == "factor"
    bad = only_error(result, "t")
    assert bad["type"] == "invalid_input_type"
    assert bad["message"] == "Failed to convert an input value to a INT value"
    assert bad["details"].startswith("value, abc, invalid literal")
    small = only_error(result, "n")
    assert small["type"] == "value_smaller_than_min" and small["message"] == "Value -1.0 smaller than min of 0"


async def test_combo_miss(registry, paths):
    graph = {"m": {"class_type": "StyleMultiply", "inputs": {"value": 1, "factor": 1.0, "mode": "ceil"}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["m", 0]}}}
    err = only_error(await check(graph, registry, paths), "m")
    assert err["type"] == "value_not_in_list"
    assert err["details"] == "mode: 'ceil' not in ['round', 'floor']"


async def test_booleans_mean_what_they_say(registry, paths):
    graph = {"s": {"class_type": "StyleSwitch", "inputs": {"pick_first": "false", "first": 1, "second": 2}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["s", 0]}}}
    result = await check(graph, registry, paths)
    assert result.graph.nodes["s"].inputs["pick_first"] is False
    graph["s"]["inputs"]["pick_first"] = "maybe"
    assert only_error(await check(graph, registry, paths), "s")["type"] == "invalid_input_type"


async def test_link_errors_name_the_problem(registry, paths):
    graph = {"a": {"class_type": "TestAdd", "inputs": {"a": ["99", 0]}},
             "b": {"class_type": "TestAdd", "inputs": {"a": ["c", 3]}},
             "c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "d": {"class_type": "TestAdd", "inputs": {"a": [1, 2, 3]}},
             "o1": {"class_type": "TestOutput", "inputs": {"source": ["a", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["b", 0]}},
             "o3": {"class_type": "TestOutput", "inputs": {"source": ["d", 0]}}}
    result = await check(graph, registry, paths)
    assert only_error(result, "a")["message"] == "Input 'a' is linked to node '99', which is not in the graph"
    assert only_error(result, "b")["message"] == "Input 'a' is linked to output 3 of node 'c' (TestConst), which has 1 output"
    assert only_error(result, "d")["type"] == "bad_linked_input"


async def test_return_type_mismatch(registry, paths):
    graph = {"s": {"class_type": "StyleMultiply", "inputs": {"value": 1, "factor": 1.0, "mode": "round"}},
             "a": {"class_type": "TestAdd", "inputs": {"a": ["s", 1]}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["a", 0]}}}
    err = only_error(await check(graph, registry, paths), "a")
    assert err["type"] == "return_type_mismatch"
    assert err["details"] == "a, received_type(STRING) mismatch input_type(INT)"
    assert err["extra_info"]["linked_node"] == ["s", 1]


async def test_custom_validation_and_its_skipped_range(registry, paths):
    graph = {"e": {"class_type": "StyleEven", "inputs": {"number": 3, "label": "x"}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["e", 0]}}}
    err = only_error(await check(graph, registry, paths), "e")
    assert err["type"] == "custom_validation_failed" and err["details"] == "number - 3 is odd"
    graph["e"]["inputs"]["number"] = 12  # above max 10, but VALIDATE_INPUTS names it: range check skipped
    assert (await check(graph, registry, paths)).ok


async def test_input_types_disables_the_link_type_check(registry, paths):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 3}},
             "a": {"class_type": "StyleAnyType", "inputs": {"thing": ["c", 0]}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["a", 0]}}}
    assert (await check(graph, registry, paths)).ok
    graph["c"] = {"class_type": "StyleAsyncEcho", "inputs": {"text": "x"}}
    err = only_error(await check(graph, registry, paths), "a")
    assert err["details"] == "thing - thing must be INT or FLOAT, got STRING"


async def test_cycles_are_reported_by_name(registry, paths):
    graph = {"a": {"class_type": "TestAdd", "inputs": {"a": ["c", 0]}},
             "b": {"class_type": "TestAdd", "inputs": {"a": ["a", 0]}},
             "c": {"class_type": "TestAdd", "inputs": {"a": ["b", 0]}},
             "after": {"class_type": "TestAdd", "inputs": {"a": ["c", 0]}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["after", 0]}},
             "k": {"class_type": "TestConst", "inputs": {"value": 1}},
             "ok": {"class_type": "TestOutput", "inputs": {"source": ["k", 0]}}}
    result = await check(graph, registry, paths)
    assert result.ok and result.outputs == ["ok"]
    assert set(result.node_errors) == {"a", "b", "c"}
    err = result.node_errors["a"]["errors"][0]
    assert err["type"] == "dependency_cycle"
    assert set(err["extra_info"]["cycle"]) == {"a", "b", "c"}
    assert "→" in err["details"]


async def test_partial_execution_targets(registry, paths):
    graph = {**chain(2), "o2": {"class_type": "TestOutput", "inputs": {"source": ["0", 0]}}}
    result = await check(graph, registry, paths, partial_targets=["o2"])
    assert result.outputs == ["o2"]


async def test_undeclared_inputs(registry, paths):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1, "stray": 5}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["c", 0], "extra": ["c", 0]}}}
    result = await check(graph, registry, paths)
    assert "stray" not in result.graph.nodes["c"].inputs, "undeclared constants never reach the node"
    assert result.graph.nodes["o"].inputs["extra"] == Link("c", 0), "undeclared links do (variadic nodes)"


async def test_value_list_wrapper(registry, paths):
    graph = {"s": {"class_type": "StyleShow", "inputs": {"anything": {"__value__": [1, 2]}}}}
    result = await check(graph, registry, paths)
    assert result.ok and result.graph.nodes["s"].inputs["anything"] == [1, 2]


async def test_ten_thousand_node_chain_validates(registry, paths):
    result = await check(chain(10_000), registry, paths)
    assert result.ok


async def test_exception_in_validation_is_reported(registry, paths):
    graph = {"e": {"class_type": "StyleEven", "inputs": {"number": None, "label": "x"}},
             "o": {"class_type": "StyleShow", "inputs": {"anything": ["e", 0]}}}
    # None cannot become an INT, so conversion fails first, naming the input
    err = only_error(await check(graph, registry, paths), "e")
    assert err["type"] == "invalid_input_type" and err["extra_info"]["input_name"] == "number"
