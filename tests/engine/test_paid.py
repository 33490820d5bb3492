"""Store keys of paid calls (engine/paid.py): they follow the call's input values, not
where they came from; an array is hashed once and then known by identity; an array a
paid call produced is named by that call; nodes with IS_CHANGED keep the signature."""
from __future__ import annotations

import gc

import numpy as np

from keroro_graph.api import IMAGE, Price, node
from keroro_graph.engine.paid import DigestMemo, call_key
from keroro_graph.registry import NodeOutput


@node("KeyedPaid", price=Price("kling", key=("model",)))
def keyed_paid(image: IMAGE, model: str) -> IMAGE:
    return image


@node("ChangingPaid", price=Price("kling", key=("model",)), fingerprint=lambda model: float("nan"))
def changing_paid(model: str) -> str:
    return model


SPEC, CHANGING = keyed_paid.__node_spec__, changing_paid.__node_spec__


def test_keys_follow_values_not_objects():
    memo = DigestMemo()
    a = np.zeros((1, 8, 8, 3), np.float32)
    same, other = a.copy(), a.copy()
    other[0, 0, 0, 0] = 1.0
    key = call_key(SPEC, {"image": a, "model": "m"}, "alias", memo)
    assert call_key(SPEC, {"image": same, "model": "m"}, "alias", memo) == key
    assert call_key(SPEC, {"image": other, "model": "m"}, "alias", memo) != key
    assert call_key(SPEC, {"image": a, "model": "n"}, "alias", memo) != key
    assert memo.known({"image": a}) and memo.known({"image": other})


def test_an_array_a_paid_call_produced_is_named_by_that_call():
    memo = DigestMemo()
    produced = np.ones((1, 4, 4, 3), np.float32)
    memo.name_outputs(NodeOutput(values=(produced,)), "call-1")
    again = np.ones((1, 4, 4, 3), np.float32)
    memo.name_outputs(NodeOutput(values=(again,)), "call-1")  # the store served the same call
    assert call_key(SPEC, {"image": produced, "model": "m"}, "x", memo) == \
        call_key(SPEC, {"image": again, "model": "m"}, "x", memo)
    del produced
    gc.collect()
    assert len(memo._by_id) == 1, "a collected array's digest goes with it"


def test_nodes_with_is_changed_keep_the_signature_alias():
    assert call_key(CHANGING, {"model": "m"}, "sig-alias", DigestMemo()) == "sig-alias"
