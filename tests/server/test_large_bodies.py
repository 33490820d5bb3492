"""A large JSON body is checked for NaN/Infinity and lone surrogates a piece at a time
(one regex pass over 15 MB held the event loop ~120 ms): a literal anywhere, across the
pieces' boundaries included, is still refused as in a small body."""
from __future__ import annotations

import json

import pytest
from aiohttp import web

from keroro_graph import jsonpieces
from keroro_graph.server.errors import parse_json


def body_with(literal: str, at: int) -> bytes:
    """A JSON object of a bit over 1 MB whose value ``literal`` starts at byte ``at``."""
    head = '{"pad": "'
    filler = "x" * (at - len(head) - len('", "v": '))
    text = f'{head}{filler}", "v": {literal}, "tail": "{"y" * (jsonpieces.LARGE + 1000)}"}}'
    assert text.index(literal) == at
    return text.encode()


@pytest.mark.parametrize("literal", ["NaN", "-Infinity", "1e999", '"\\udc00"'])
@pytest.mark.parametrize("at", [1000, (1 << 18) - 2, 3 * (1 << 18) - 5, jsonpieces.LARGE + 900])
def test_a_bad_value_anywhere_in_a_large_body_is_refused(literal: str, at: int) -> None:
    data = body_with(literal, at)
    with pytest.raises(web.HTTPBadRequest) as refused:
        parse_json(data, "request body")
    message = json.loads(refused.value.text)["error"]["message"]
    assert "$.v" in message and ("NaN or Infinity" in message or "surrogate" in message)


def test_a_large_body_without_them_parses() -> None:
    assert parse_json(body_with("1e99", (1 << 18) - 2), "request body")["v"] == 1e99
