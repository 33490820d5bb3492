"""Large JSON parsed and written member by member gives exactly what json gives, and
the same errors for bad text."""
from __future__ import annotations

import json

import pytest

from keroro_graph import jsonpieces


def document(nodes: int) -> dict:
    doc = {str(i): {"class_type": "Node", "inputs": {"a": [str(i - 1), 0], "s": f"é\"\\{i}\n", "f": i / 3,
                                                     "l": {"__value__": [1, None, True, False]}}}
           for i in range(nodes)}
    doc["empty"] = {"inputs": {}, "list": [], "text": ""}
    return doc


def test_large_documents_round_trip_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonpieces, "LARGE", 1000)
    doc = {"prompt": document(3000), "client_id": "c", "n": [1.5, -2e10, None]}
    text = json.dumps(doc)
    assert len(text) > jsonpieces.LARGE
    assert jsonpieces.loads(text) == json.loads(text)
    assert jsonpieces.loads(text.encode("utf-8"), depth=1) == json.loads(text)
    assert jsonpieces.loads(" \n" + text.replace(", ", " ,\t") + "\r\n") == json.loads(text)
    assert jsonpieces.dumps(doc) == json.dumps(doc, separators=(",", ":"))
    assert b"".join(jsonpieces.chunks(doc, size=4096)) == json.dumps(doc, separators=(",", ":")).encode()
    odd_keys = {1: "a", 2.5: "b", True: "c", None: "d"}
    assert jsonpieces.dumps(odd_keys) == json.dumps(odd_keys, separators=(",", ":"))


@pytest.mark.parametrize("bad", ['{"a": 1,}', '{"a" 1}', '[1, 2', '{"a": 1} x', '{a: 1}', '', '{"a": [1, 2}'])
def test_bad_text_raises_as_json_does(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setattr(jsonpieces, "LARGE", 0)
    with pytest.raises(ValueError):
        json.loads(bad)
    with pytest.raises(ValueError):
        jsonpieces.loads(bad)
