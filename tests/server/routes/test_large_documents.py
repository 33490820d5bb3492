"""Large graphs take the off-loop paths (body parsed in pieces in a thread, validation
partly in a thread, history and queue answers streamed) and answer exactly what the
small-document paths answer. The thresholds are lowered so a 600-node graph takes them."""
from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph import jsonpieces
from keroro_graph.engine import plan
from keroro_graph.graph import validate
from keroro_graph.jobs import service
from keroro_graph.server import streaming
from keroro_graph.server.keys import RUNTIME


@pytest.fixture(autouse=True)
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonpieces, "LARGE", 10_000)
    monkeypatch.setattr(validate, "LARGE_GRAPH", 100)
    monkeypatch.setattr(service, "LARGE_GRAPH", 100)
    monkeypatch.setattr(streaming, "LARGE_NODES", 100)
    monkeypatch.setattr(streaming, "_WRITE", 10_000)
    monkeypatch.setattr(plan, "LARGE_PLAN", 100)  # the run's plan is made in a thread  # stored history text from 10 kB is streamed


def pairs(count: int, seed: int) -> dict[str, Any]:
    graph: dict[str, Any] = {}
    for i in range(count):
        graph[f"c{i}"] = {"class_type": "TestConst", "inputs": {"value": seed + i}}
        graph[f"o{i}"] = {"class_type": "TestOutput", "inputs": {"source": [f"c{i}", 0]}}
    return graph


async def test_a_large_graph_is_accepted_run_and_read_back_whole(client: TestClient) -> None:
    graph = pairs(300, 1000)
    response = await client.post("/prompt", json={"prompt": graph, "client_id": "me"})
    body = await response.json()
    assert response.status == 200, body
    job_id = body["prompt_id"]
    record = await client.app[RUNTIME].jobs.wait(job_id, timeout_s=60)
    assert record.status.value == "success"

    item = await client.get(f"/history/{job_id}")
    assert item.headers.get("Transfer-Encoding") == "chunked"  # streamed
    entry = (await item.json())[job_id]
    assert entry["prompt"][1:3] == [job_id, graph]
    assert entry["outputs"]["o299"] == {"text": ["1299"]} and len(entry["outputs"]) == 300
    assert entry["status"]["status_str"] == "success"
    assert (await (await client.get("/history")).json()) == {job_id: entry}

    listed = (await (await client.get("/api/runs")).json())["jobs"]
    assert [j["id"] for j in listed] == [job_id] and "prompt" not in listed[0]
    with_prompt = (await (await client.get("/api/runs?include=prompt")).json())["jobs"][0]
    assert with_prompt["prompt"] == graph


async def test_a_large_invalid_graph_names_the_bad_node(client: TestClient) -> None:
    graph = pairs(300, 0)
    graph["o150"]["inputs"]["source"] = ["nowhere", 0]
    response = await client.post("/prompt", json={"prompt": graph})
    body = await response.json()
    # as in ComfyUI: the valid outputs run, the bad one is named in node_errors
    assert response.status == 200 and list(body["node_errors"]) == ["o150"]
    assert "nowhere" in str(body["node_errors"]["o150"])


async def test_a_large_malformed_body_is_a_400(client: TestClient) -> None:
    text = '{"prompt": ' + '{"a": 1, ' * 2000 + '"b": }'
    response = await client.post("/prompt", data=text, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert "not valid JSON" in (await response.json())["error"]["message"]


async def test_a_large_runs_answer_is_encoded_once_and_still_scrubbed(client: TestClient) -> None:
    """/api/runs writes a large answer's text once, checking it for secrets as it goes;
    a key stored after the job ran (so the stored outputs hold it) is still scrubbed."""
    from keroro_graph.server.keys import SECRETS
    graph = pairs(300, 424242424242 - 150)
    response = await client.post("/prompt", json={"prompt": graph})
    job_id = (await response.json())["prompt_id"]
    await client.app[RUNTIME].jobs.wait(job_id, timeout_s=60)
    clean = (await (await client.get("/api/runs")).json())["jobs"][0]
    assert clean["outputs"]["o150"] == {"text": ["424242424242"]} and len(clean["outputs"]) == 300

    client.app[SECRETS].set("kling", "access_key", "424242424242")
    scrubbed = (await (await client.get("/api/runs")).json())["jobs"][0]
    assert scrubbed["outputs"]["o150"] == {"text": ["***"]}
    assert {k: v for k, v in scrubbed["outputs"].items() if k != "o150"} == \
        {k: v for k, v in clean["outputs"].items() if k != "o150"}
    detail = await (await client.get(f"/api/runs/{job_id}")).json()
    assert detail["outputs"]["o150"] == {"text": ["***"]} and detail["prompt"] == graph
