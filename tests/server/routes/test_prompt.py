"""POST/GET /prompt with ComfyUI's request and response shapes."""
from __future__ import annotations

import pytest

from tests.conftest import chain


async def test_accepts_and_queues(client):
    response = await client.post("/prompt", json={"prompt": chain(2), "client_id": "c1", "prompt_id": "p-1"})
    assert response.status == 200
    body = await response.json()
    assert body == {"prompt_id": "p-1", "number": body["number"], "node_errors": {}}
    assert isinstance(body["number"], int)
    assert (await (await client.get("/api/prompt")).json())["exec_info"]["queue_remaining"] in (0, 1)


async def test_no_prompt(client):
    response = await client.post("/prompt", json={"client_id": "x"})
    assert response.status == 400
    assert await response.json() == {"error": {"type": "no_prompt", "message": "No prompt provided",
                                               "details": "No prompt provided", "extra_info": {}},
                                     "node_errors": {}}


async def test_validation_errors_are_400_with_node_errors(client):
    graph = chain(2)
    graph["1"]["inputs"]["b"] = "many"
    response = await client.post("/prompt", json={"prompt": graph})
    assert response.status == 400
    body = await response.json()
    assert body["error"]["type"] == "prompt_outputs_failed_validation"
    assert body["node_errors"]["1"]["errors"][0]["type"] == "invalid_input_type"


async def test_partially_valid_prompt_runs_valid_outputs(client):
    graph = {**chain(1), "bad": {"class_type": "TestAdd", "inputs": {}},
             "o2": {"class_type": "TestOutput", "inputs": {"source": ["bad", 0]}}}
    response = await client.post("/prompt", json={"prompt": graph})
    assert response.status == 200
    assert "bad" in (await response.json())["node_errors"]


async def test_duplicate_prompt_id_refused(client):
    first = await client.post("/prompt", json={"prompt": chain(1), "prompt_id": "dup"})
    second = await client.post("/prompt", json={"prompt": chain(1), "prompt_id": "dup"})
    assert first.status == 200 and second.status == 400
    assert (await second.json())["error"]["type"] == "duplicate_prompt_id"


@pytest.mark.parametrize("body, fragment", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b"", "empty"),
    (b'{"prompt": {}, "number": "soon"}', "'number' must be a number"),
    (b'{"prompt": {}, "client_id": 5}', "'client_id' must be a string"),
    (b'{"prompt": {}, "extra_data": []}', "'extra_data' must be a JSON object"),
    (b'{"prompt": {}, "partial_execution_targets": "3"}', "partial_execution_targets"),
])
async def test_malformed_bodies_get_a_json_400(client, body, fragment):
    response = await client.post("/prompt", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert fragment in (await response.json())["error"]["message"]


async def test_front_and_explicit_number(client):
    a = await (await client.post("/prompt", json={"prompt": chain(1), "number": 1000.5})).json()
    assert a["number"] == 1000.5
    b = await (await client.post("/prompt", json={"prompt": chain(2), "front": True})).json()
    assert b["number"] <= 0
