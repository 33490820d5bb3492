"""``/api/runs`` over real HTTP with real submitted jobs: listing (newest first,
filters, paging, no prompt by default), one job, cancel (queued and running),
retry, and secrets scrubbed from job answers."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.jobs.backend import JobRecord
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import Settings
from tests.conftest import chain

SLEEP = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
         "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 30}},
         "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One job at a time, so a second job stays queued behind a sleeping one."""
    return settings.model_copy(update={"max_jobs": 1, "max_waiting_jobs": 0})


async def submit(client: TestClient, graph: dict[str, Any], **extra: Any) -> str:
    resp = await client.post("/prompt", json={"prompt": graph, **extra})
    body = await resp.json()
    assert resp.status == 200, body
    return body["prompt_id"]


async def finished(client: TestClient, job_id: str) -> JobRecord:
    return await client.app[RUNTIME].jobs.wait(job_id, timeout_s=20)


async def until_status(client: TestClient, job_id: str, status: str, timeout_s: float = 10.0) -> None:
    backend = client.app[RUNTIME].jobs.backend
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while (await backend.status(job_id)).value != status:
        assert loop.time() < deadline, f"job {job_id} never became {status}"
        await asyncio.sleep(0.02)


async def status_of(client: TestClient, job_id: str) -> str:
    return (await (await client.get(f"/api/runs/{job_id}")).json())["status"]


async def test_list_is_newest_first_without_prompts(client: TestClient) -> None:
    first = await submit(client, chain(3), client_id="me", extra_data={"workflow_name": "海报 v2"})
    await finished(client, first)
    second = await submit(client, chain(1))
    await finished(client, second)
    resp = await client.get("/api/runs")
    assert resp.status == 200
    body = await resp.json()
    assert [j["id"] for j in body["jobs"]] == [second, first] and body["total"] == 2
    job = body["jobs"][1]
    assert set(job) == {"id", "status", "number", "client_id", "created_at", "started_at", "finished_at",
                        "duration_s", "outputs", "error", "node_errors", "workflow_name", "items"}
    assert job["items"] is None  # a run of one item (batches: tests/spend/test_batch_items.py)
    assert job["status"] == "success" and job["client_id"] == "me" and job["error"] is None
    assert job["workflow_name"] == "海报 v2" and body["jobs"][0]["workflow_name"] is None
    assert job["duration_s"] >= 0 and job["finished_at"] >= job["started_at"] >= job["created_at"] - 1
    assert job["outputs"] == {"out": {"text": ["4"]}}
    with_prompt = (await (await client.get("/api/runs?include=prompt")).json())["jobs"]
    assert with_prompt[1]["prompt"] == chain(3)
    paged = await (await client.get("/api/runs?limit=1&offset=1")).json()
    assert [j["id"] for j in paged["jobs"]] == [first] and paged["total"] == 2


async def test_status_filter_and_bad_queries(client: TestClient) -> None:
    done = await submit(client, chain(1))
    await finished(client, done)
    running = await submit(client, SLEEP)
    await until_status(client, running, "running")
    queued = await submit(client, chain(2))
    body = await (await client.get("/api/runs?status=queued,running")).json()
    assert [(j["id"], j["status"]) for j in body["jobs"]] == [(queued, "queued"), (running, "running")]
    assert body["jobs"][0]["duration_s"] is None
    only_done = await (await client.get("/api/runs?status=success")).json()
    assert [j["id"] for j in only_done["jobs"]] == [done]
    for query in ("status=bogus", "limit=0", "limit=x", "offset=-1", "limit=100000"):
        resp = await client.get(f"/api/runs?{query}")
        assert resp.status == 400, query
        assert (await resp.json())["error"]["message"]
    await client.post(f"/api/runs/{running}/cancel")


async def test_get_one_job_includes_the_prompt(client: TestClient) -> None:
    job_id = await submit(client, chain(3), extra_data={"extra_pnginfo": {"workflow": {"nodes": []}}})
    await finished(client, job_id)
    resp = await client.get(f"/api/runs/{job_id}")
    assert resp.status == 200
    job = await resp.json()
    assert job["id"] == job_id and job["prompt"] == chain(3)
    assert job["extra_data"]["extra_pnginfo"] == {"workflow": {"nodes": []}}
    resp = await client.get("/api/runs/no-such-job")
    assert resp.status == 404
    assert (await resp.json())["error"]["type"] == "not_found"


async def test_cancel_running_then_queued_then_finished(client: TestClient) -> None:
    running = await submit(client, SLEEP)
    await until_status(client, running, "running")
    queued = await submit(client, chain(2))
    resp = await client.post(f"/api/runs/{queued}/cancel")
    assert resp.status == 200
    assert await resp.json() == {"id": queued, "status": "cancelled", "interrupt_requested": False}
    resp = await client.post(f"/api/runs/{running}/cancel")
    assert resp.status == 200
    assert (await resp.json())["status"] == "interrupted"
    assert await status_of(client, running) == "interrupted"
    resp = await client.post(f"/api/runs/{running}/cancel")
    assert resp.status == 409 and (await resp.json())["error"]["job_status"] == "interrupted"
    assert (await client.post("/api/runs/no-such-job/cancel")).status == 404


async def test_retry_submits_the_same_prompt_as_a_new_job(client: TestClient) -> None:
    original = await submit(client, chain(3), client_id="me", extra_data={"note": "again"})
    await finished(client, original)
    resp = await client.post(f"/api/runs/{original}/retry")
    assert resp.status == 200
    body = await resp.json()
    assert body["retry_of"] == original and body["id"] != original
    record = await finished(client, body["id"])
    assert record.status.value == "success" and record.prompt == chain(3)
    assert record.client_id == "me" and record.extra_data["note"] == "again"
    assert record.outputs == {"out": {"text": ["4"]}}
    assert (await client.post("/api/runs/nothing/retry")).status == 404


async def test_only_finished_jobs_can_be_retried(client: TestClient) -> None:
    running = await submit(client, SLEEP)
    await until_status(client, running, "running")
    resp = await client.post(f"/api/runs/{running}/retry")
    assert resp.status == 409
    await client.post(f"/api/runs/{running}/cancel")
    resp = await client.post(f"/api/runs/{running}/retry")
    assert resp.status == 200
    await client.post(f"/api/runs/{(await resp.json())['id']}/cancel")


async def test_a_secret_in_a_job_never_comes_back(client: TestClient) -> None:
    secret = "sk-job-secret-000111222333"
    await client.put("/api/providers/ohmygpt/secrets", json={"api_key": secret})
    graph = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
             "key": {"class_type": "StringConcatenate",
                     "inputs": {"string_a": "bad key sk-job-secret-", "string_b": "000111222333"}},
             "f": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": ["key", 0]}},
             "o": {"class_type": "TestOutput", "inputs": {"source": ["f", 0]}}}
    job_id = await submit(client, graph)
    record = await finished(client, job_id)
    assert record.status.value == "error"
    for path in (f"/api/runs/{job_id}", "/api/runs?include=prompt", "/api/runs"):
        text = await (await client.get(path)).text()
        assert secret not in text, path
    job = await (await client.get(f"/api/runs/{job_id}")).json()
    assert "bad key ***" in job["error"]["exception_message"]
    pasted = dict(graph, f={"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": f"bad key {secret}"}})
    response = await client.post("/prompt", json={"prompt": pasted})
    assert response.status == 400
    text = await response.text()
    assert secret not in text and "secret store" in text
