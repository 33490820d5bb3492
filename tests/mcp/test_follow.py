"""ComfyUI WebSocket messages into MCP progress: nodes finished out of the node
count, the running node's own fraction, cached nodes counted at once, other jobs
ignored, and every value strictly above the last."""
from __future__ import annotations

from keroro_graph.mcp.follow import Progress

GRAPH = {"1": {"class_type": "TestConst"}, "2": {"class_type": "TestProgress"}, "3": {"class_type": "TestOutput"}}


def msg(kind: str, **data: object) -> dict:
    return {"type": kind, "data": {"prompt_id": "job", **data}}


def test_progress_counts_finished_nodes_and_the_running_fraction() -> None:
    progress = Progress("job", GRAPH)
    assert progress.total == 3
    assert progress.apply(msg("execution_start")) and progress.started
    assert progress.apply(msg("execution_cached", nodes=["1"]))
    assert progress.next_value() == 1
    assert progress.apply(msg("executing", node="2"))
    assert progress.message == "running node 2 (TestProgress)"
    assert not progress.apply(msg("progress", value=3, max=4, node="2"))
    assert progress.next_value() == 1.75 and progress.message == "node 2 (TestProgress): 3/4"
    progress.apply(msg("progress_state", nodes={"2": {"state": "finished"}}))
    assert progress.next_value() == 2
    assert progress.apply(msg("executing", node=None)) and progress.ended
    assert progress.next_value() == 3


def test_values_always_increase_even_without_news() -> None:
    progress = Progress("job", GRAPH)
    values = [progress.next_value() for _ in range(4)]
    assert values == sorted(set(values)) and values[0] == 0


def test_other_jobs_and_unknown_messages_are_ignored() -> None:
    progress = Progress("job", GRAPH)
    assert not progress.apply({"type": "executing", "data": {"node": "1", "prompt_id": "other"}})
    assert not progress.apply({"type": "status", "data": {"status": {}}})
    assert not progress.apply(msg("execution_cached", nodes=[]))
    assert progress.node is None and not progress.started
