"""Compare and Switch (the lazy-input node)."""
from __future__ import annotations

import pytest

from keroro_graph.api import NodeEnv
from nodes.logic.compare import compare
from nodes.logic.switch import needed_branch, switch


@pytest.mark.parametrize("op,expected", [("==", False), ("!=", True), ("<", True), ("<=", True),
                                         (">", False), (">=", False)])
def test_compare(op, expected):
    assert compare(1.0, 2.0, op) is expected


def test_compare_equal_values():
    assert compare(2.0, 2.0, "<=") is True and compare(2.0, 2.0, "==") is True


def test_switch_passes_the_selected_branch():
    assert switch(True, "yes", "no") == "yes"
    assert switch(False, "yes", "no") == "no"


def test_check_lazy_asks_only_for_the_selected_branch():
    assert needed_branch(True) == ["on_true"]
    assert needed_branch(False) == ["on_false"]
    assert needed_branch(True, on_true=0) == []  # evaluated, even if falsy
    assert needed_branch(False, on_true="ready") == ["on_false"]


def test_switch_declares_lazy_branches_and_the_hook_sees_switch():
    spec = switch.__node_spec__
    assert spec.lazy_inputs == {"on_true", "on_false"}
    assert [o.name for o in spec.outputs] == ["output"] and spec.outputs[0].type == "*"
    env = NodeEnv(paths=None)  # type: ignore[arg-type]
    hook = spec.behaviour.check_lazy
    assert hook(None, env, {"switch": False, "on_true": None, "on_false": None}) == ["on_false"]
    assert hook(None, env, {"switch": True, "on_true": None, "on_false": None}) == ["on_true"]
