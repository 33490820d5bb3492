"""Property-based fuzzing of the running server: malformed and mutated graphs and
bodies get a 4xx or a success — never a 500 — and the server keeps answering."""
from __future__ import annotations

import json
import os
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from tests.conftest import chain

#: A by-hand long run: KERORO_FUZZ_EXAMPLES=20000 (bench/RESULTS.md, issue 17).
_SCALE = max(1, int(os.environ.get("KERORO_FUZZ_EXAMPLES", "0")) // 250)
#: Text json.dumps escapes but nothing downstream can carry: lone UTF-16 surrogates.
_hostile_text = st.text(st.characters(categories=["Cs", "Lu", "Nd", "Po"]), max_size=6)
_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=10) \
    | _hostile_text
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=12)
_link = st.tuples(st.sampled_from(["0", "1", "2", "out", "zz", ""]), st.integers(-1, 3)).map(list)
_value = _json | _link


@st.composite
def mutated_graph(draw):
    graph = chain(draw(st.integers(1, 4)))
    for _ in range(draw(st.integers(0, 4))):
        if not graph:
            break
        node_id = draw(st.sampled_from(sorted(graph)))
        action = draw(st.integers(0, 4))
        if not isinstance(graph[node_id], dict) or not isinstance(graph[node_id].get("inputs"), dict):
            graph[node_id] = {"class_type": "TestAdd", "inputs": {}}
        if action == 0:
            graph[node_id]["class_type"] = draw(st.sampled_from(["TestAdd", "SaveImage", "Nope", "LoadImage"]))
        elif action == 1:
            graph[node_id]["inputs"][draw(st.sampled_from(["a", "b", "value", "image", "zz"]))] = draw(_value)
        elif action == 2:
            graph[node_id] = draw(_json)
        elif action == 3:
            graph[draw(st.text(max_size=4))] = draw(_json)
        else:
            graph.pop(node_id)
    return graph


def _nested(depth: int, kind: int) -> bytes:
    opening, closing = [("[", "]"), ('{"a":', "}"), ('{"prompt":', "}")][kind]
    return (opening * depth + "1" + closing * depth).encode()


_bodies = st.one_of(
    st.binary(max_size=64),
    st.builds(_nested, st.integers(50, 3000), st.integers(0, 2)),
    _json.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"prompt": mutated_graph()},
                          optional={"client_id": _json, "number": _json, "front": _json, "extra_data": _json,
                                    "prompt_id": _json, "partial_execution_targets": _json}
                          ).map(lambda v: json.dumps(v).encode()),
)
_posts = st.sampled_from(["/prompt", "/queue", "/history", "/interrupt", "/free", "/api/prompt", "/settings",
                         "/api/providers/dashscope/secrets", "/userdata/fuzz.json", "/api/runs/x/retry",
                          "/api/workflows/fuzz", "/api/runs/x/cancel", "/upload/image"])
_gets = st.sampled_from(["/history", "/view", "/object_info/", "/queue", "/api/runs", "/userdata", "/v2/userdata",
                         "/api/templates", "/prompt", "/api/workflows/", "/models/", "/history/"])


#: The last requests sent, for the message of a request that got no answer: session 3 saw
#: two such drops (ServerDisconnectedError) that replaying the request alone did not repeat,
#: so what went before it on the connection is the lead (bench/RESULTS.md, issue 17).
_SENT: list[tuple[Any, ...]] = []


async def _answered(request: Any, what: tuple[Any, ...]) -> Any:
    _SENT.append(what)
    del _SENT[:-5]
    try:
        return await request
    except aiohttp.ClientError as exc:
        raise AssertionError(f"no answer ({exc!r}); the requests before it, oldest first: {_SENT[:-1]}") from exc


@hyp_settings(max_examples=250 * _SCALE, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=_posts, body=_bodies, encoding=st.sampled_from([None] * 8 + ["deflate", "gzip"]))
async def test_post_bodies_never_cause_a_500(client, path, body, encoding):
    """A body sometimes claims a Content-Encoding it is not in: the request after it on the
    same connection must still be answered (_answered fails the test otherwise)."""
    headers = {"Content-Type": "application/json", **({"Content-Encoding": encoding} if encoding else {})}
    response = await _answered(client.post(path, data=body, headers=headers),
                               ("POST", path, body[:200], len(body), encoding))
    assert response.status < 500, (path, body, await response.text())
    if response.status >= 400 and not (encoding and response.content_type == "text/plain"):
        # (a body that fails to decode on arrival is refused by aiohttp's parser, in plain text)
        assert "error" in json.loads(await response.text() or "{}") or response.status == 405


@hyp_settings(max_examples=150 * _SCALE, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=_gets, suffix=st.text(max_size=12), query=st.dictionaries(
    st.sampled_from(["filename", "type", "subfolder", "max_items", "offset", "dir", "path", "status", "preview",
                     "channel", "limit"]), st.text(max_size=12), max_size=4))
async def test_get_requests_never_cause_a_500(client, path, suffix, query):
    from urllib.parse import quote
    response = await _answered(client.get(path + quote(suffix, safe=""), params=query), ("GET", path, suffix, query))
    assert response.status < 500, (path, suffix, query, await response.text())


async def test_server_still_answers_after_the_fuzzing(client):
    response = await client.post("/prompt", json={"prompt": chain(2)})
    assert response.status == 200


# --- bodies json accepts but nothing downstream can carry, and what json refuses ----------

def _deep(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


_HOSTILE = [
    _deep(1000), _deep(5000), '{"a":' * 990 + "1" + "}" * 990,
    '{"prompt": {"1": {"class_type": "TestConst", "inputs": {"value": ' + _deep(985) + '}}}}',
    '{"prompt": {"1": {"class_type": "TestAdd", "inputs": {"a": ' + _deep(900) + ', "b": 1}}}}',
    '{"prompt": ' + _deep(600) + '}',
    '{"prompt": {}, "extra_data": ' + _deep(990) + '}',
    '{"prompt": {}, "client_id": "\\ud800"}', '{"prompt": {}, "prompt_id": "\\udfff"}',
    '{"prompt": {"1": {"class_type": "TestConst\\ud800", "inputs": {}}}}',
    '{"\\ud800": 1}', '"\\ud800"', '{"api_key": "\\udbff\\u0041"}', '{"base_url": "http://a\\ud800.b"}',
    '{"a": 1e999999}', '{"a": ' + "9" * 5000 + '}', '\xff\xfe{', '{"a": NaN}', '{"a": "\x00"}',
]
_SURROGATE_PATHS = ["/prompt", "/api/providers/dashscope/secrets", "/api/providers/dashscope/settings",
                    "/api/workflows/fuzz.json", "/settings", "/userdata/fuzz.json", "/api/runs/x/retry",
                    "/api/templates/fuzz.json", "/queue", "/history", "/api/convert"]


@pytest.mark.parametrize("body", _HOSTILE, ids=range(len(_HOSTILE)))
async def test_hostile_json_is_a_400_on_every_json_route(client, body):
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    for path in _SURROGATE_PATHS:
        for method in ("POST", "PUT"):
            response = await client.request(method, path, data=raw, headers={"Content-Type": "application/json"})
            assert response.status < 500, (method, path, body[:80], await response.text())
    response = await client.post("/prompt", data=raw, headers={"Content-Type": "application/json"})
    if "\\ud8" in body or "\\udf" in body or "\\udb" in body or body.startswith(("[[[", '{"a":{')):
        assert response.status == 400, (body[:80], await response.text())
        assert (await response.json())["error"]["message"]


async def test_a_lone_surrogate_is_named_where_it_is(client):
    response = await client.post("/prompt", data=b'{"prompt": {}, "client_id": "x\\ud800"}',
                                 headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert "$.client_id" in (await response.json())["error"]["message"]
    paired = await client.post("/prompt", data=b'{"prompt": {"1": {"class_type": "TestConst", "inputs": '
                                                b'{"value": 1}, "_meta": {"title": "\\ud83d\\ude00"}}}}',
                               headers={"Content-Type": "application/json"})
    assert paired.status != 400 or "surrogate" not in await paired.text()
