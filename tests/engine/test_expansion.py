"""ComfyUI execution parity through submit → wait: node expansion (recursion, output
nodes inside an expansion, DYNPROMPT, caching, cycles and duplicate ids reported as
ComfyUI reports them), lazy inputs asked for together, and check_lazy_status mapped
over list inputs."""
from __future__ import annotations

from keroro_graph.engine.events import NodeStarted
from keroro_graph.jobs.backend import JobStatus
from tests.conftest import run_graph


def started(recorder, job_id):
    return [e.node_id for e in recorder.of(NodeStarted, job_id)]


def countdown(n, acc=0):
    return {"cd": {"class_type": "FlowCountdown", "inputs": {"n": n, "acc": acc}},
            "o": {"class_type": "TestOutput", "inputs": {"source": ["cd", 0]}}}


async def test_recursive_expansion_computes_and_reports_display_ids(runtime, recorder):
    record = await run_graph(runtime, countdown(4, acc=10))
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"] == ["20"]  # 10 + 4 + 3 + 2 + 1
    ids = started(recorder, record.id)
    assert "cd.0.0.add" in ids and "cd.0.0.next.0.0.add" in ids
    shown = {e.node_id: e.display_node_id for e in recorder.of(NodeStarted, record.id)}
    assert shown["cd.0.0.next.0.0.add"] == "cd"  # expanded nodes are shown as the node that made them


async def test_expansion_is_cached_and_reruns_when_an_input_changes(runtime, recorder):
    await run_graph(runtime, countdown(3))
    again = await run_graph(runtime, countdown(3))
    assert started(recorder, again.id) == []
    changed = await run_graph(runtime, countdown(3, acc=1))
    assert changed.outputs["o"]["text"] == ["7"]
    assert "cd.0.0.add" in started(recorder, changed.id)


async def test_output_nodes_inside_an_expansion_run_and_literals_pass_through(runtime):
    graph = {"e": {"class_type": "FlowExpandWithOutput", "inputs": {"value": 5}},
             "o1": {"class_type": "TestOutput", "inputs": {"source": ["e", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["e", 1]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o1"]["text"] == ["105"]
    assert record.outputs["o2"]["text"] == ["literal"]
    assert record.outputs["e.0.0.o"]["text"] == ["105"]
    # history's meta shows an expanded output node as the node that made it (ComfyUI's keys)
    assert record.meta["e.0.0.o"] == {"node_id": "e.0.0.o", "display_node": "e", "parent_node": "e",
                                      "real_node_id": "e"}
    assert record.meta["o1"] == {"node_id": "o1", "display_node": "o1", "parent_node": None, "real_node_id": "o1"}


async def test_dynprompt_sees_expanded_nodes(runtime):
    graph = {"w": {"class_type": "FlowWrapWhoAmI", "inputs": {}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["w", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.outputs["o"]["text"] == ["FlowWhoAmI@w"]


async def test_a_cycle_made_by_an_expansion_fails_on_the_expanding_node(runtime):
    graph = {"b": {"class_type": "FlowBadExpansion", "inputs": {"mode": "cycle", "taken": "c"}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["b", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.ERROR
    assert record.error["node_id"] == "b"
    assert record.error["exception_type"] == "graph.DependencyCycleError"
    assert record.error["exception_message"] == "Dependency cycle detected"


async def test_an_expansion_reusing_a_node_id_is_refused(runtime):
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 3}},
             "b": {"class_type": "FlowBadExpansion", "inputs": {"mode": "duplicate", "taken": "c"}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["b", 0]}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["c", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.ERROR
    assert record.error["node_id"] == "b"
    assert "Attempt to add duplicate node c" in record.error["exception_message"]


async def test_two_lazy_inputs_one_cached_one_not_both_arrive(runtime):
    first = {"x": {"class_type": "TestConst", "inputs": {"value": 2}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["x", 0]}}}
    await run_graph(runtime, first)  # x is now cached; y never ran
    graph = {"x": {"class_type": "TestConst", "inputs": {"value": 2}},
             "y": {"class_type": "TestConst", "inputs": {"value": 40}},
             "s": {"class_type": "FlowLazySum", "inputs": {"a": ["x", 0], "b": ["y", 0]}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"] == ["42"]


async def test_check_lazy_status_is_asked_per_list_item_and_answers_are_united(runtime, recorder):
    graph = {"p": {"class_type": "FlowBools", "inputs": {"values": "1,0"}},
             "a": {"class_type": "TestConst", "inputs": {"value": 1}},
             "b": {"class_type": "TestConst", "inputs": {"value": 2}},
             "ch": {"class_type": "FlowLazyChoose", "inputs": {"pick": ["p", 0], "a": ["a", 0], "b": ["b", 0]}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["ch", 0]}}}
    record = await run_graph(runtime, graph)
    assert record.status is JobStatus.SUCCESS, record.error
    assert record.outputs["o"]["text"] == ["1", "2"]
