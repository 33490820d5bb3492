"""The WebSocket text of the per-node messages (written by hand for speed in
server/messages.py) is exactly what rendering the wire module's messages gives."""
from __future__ import annotations

import json

import pytest

from keroro_graph.engine.events import NodeFinished, NodeStarted
from keroro_graph.jobs import wire
from keroro_graph.server import messages

IDS = ["7", "out", "12:3:45", "节点", 'say "hi"', "back\\slash", "tab\there", "\u2028", "😀"]


@pytest.mark.parametrize("node", IDS)
def test_a_started_node_reads_as_progress_state_then_executing(node):
    job = f"job-{node}"
    event = NodeStarted(job_id=job, node_id=node, display_node_id=f"d{node}", class_type="IntMath")
    assert messages.translate(event) == [messages.message(*wire.node_state(job, node, "running")),
                                         messages.message(*wire.executing(job, node, f"d{node}"))]
    assert [json.loads(m)["type"] for m in messages.translate(event)] == ["progress_state", "executing"]


@pytest.mark.parametrize("node", IDS)
def test_a_finished_node_reads_as_progress_state(node):
    event = NodeFinished(job_id="j", node_id=node, display_node_id=node, class_type="IntMath", ui=None, cached=False)
    assert messages.translate(event) == [messages.message(*wire.node_state("j", node, "finished", 1.0, 1.0))]


def test_a_finished_node_with_ui_still_says_executed_first():
    event = NodeFinished(job_id="j", node_id="9", display_node_id="9", class_type="PreviewAny",
                         ui={"text": ["41"]}, cached=False)
    assert [json.loads(m)["type"] for m in messages.translate(event)] == ["executed", "progress_state"]
