"""``/api/jobs`` as ComfyUI's Jobs API over real HTTP with real jobs: ComfyUI's
statuses and body shapes (what the official frontend's queue panel and Assets tab
parse), filters, sorting, pagination, per-job detail with outputs, idempotent cancel."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.settings import Settings
from tests.conftest import chain
from tests.server.routes.test_runs import finished, submit, until_status

IMAGE = {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 255}},
         "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "jobs_api"}}}
#: Holds its job slot (sync work, cancellable between steps) so the next job stays pending.
SLEEP = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
         "s": {"class_type": "TestProgress", "inputs": {"value": ["c", 0], "steps": 600, "step_seconds": 0.05}},
         "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}
FAIL = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
        "f": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": "no luck"}},
        "o": {"class_type": "TestOutput", "inputs": {"source": ["f", 0]}}}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_jobs": 1})


async def get(client: TestClient, path: str, status: int = 200) -> Any:
    resp = await client.get(path)
    body = await resp.json()
    assert resp.status == status, body
    return body


async def test_statuses_shapes_and_preview(client: TestClient) -> None:
    workflow = {"id": "wf-1", "nodes": [], "links": []}
    done = await submit(client, IMAGE, extra_data={"extra_pnginfo": {"workflow": workflow}})
    await finished(client, done)
    failed = await submit(client, FAIL)
    await finished(client, failed)
    running = await submit(client, SLEEP)
    await until_status(client, running, "running")
    pending = await submit(client, chain(2))

    body = await get(client, "/api/jobs")
    assert body["pagination"] == {"offset": 0, "limit": None, "total": 4, "has_more": False}
    jobs = {j["id"]: j for j in body["jobs"]}
    assert [j["id"] for j in body["jobs"]] == [pending, running, failed, done]  # newest created first
    assert {i: j["status"] for i, j in jobs.items()} == {
        done: "completed", failed: "failed", running: "in_progress", pending: "pending"}
    ok = jobs[done]
    assert ok["workflow_id"] == "wf-1" and ok["outputs_count"] == 1 and isinstance(ok["priority"], int)
    assert isinstance(ok["create_time"], int) and ok["execution_end_time"] >= ok["execution_start_time"] > 0
    preview = ok["preview_output"]
    assert preview["nodeId"] == "2" and preview["mediaType"] == "images" and preview["type"] == "output"
    assert preview["filename"].startswith("jobs_api") and "outputs" not in ok and "workflow" not in ok
    error = jobs[failed]["execution_error"]
    assert error["node_id"] == "f" and error["node_type"] == "TestFail" and "no luck" in error["exception_message"]
    assert all(isinstance(line, str) for line in error["traceback"])
    assert set(jobs[pending]) == {"id", "status", "priority", "create_time", "outputs_count"}

    await client.post(f"/api/jobs/{running}/cancel")
    await finished(client, running)
    assert (await get(client, f"/api/jobs/{running}"))["status"] == "cancelled"  # interrupted


async def test_filters_sorting_and_pagination(client: TestClient) -> None:
    ids = []
    for n in (1, 2, 3):
        ids.append(await submit(client, chain(n)))
        await finished(client, ids[-1])
    failed = await submit(client, FAIL)
    await finished(client, failed)

    done = await get(client, "/api/jobs?status=completed")
    assert [j["id"] for j in done["jobs"]] == ids[::-1]
    asc = await get(client, "/api/jobs?status=completed,failed&sort_order=asc")
    assert [j["id"] for j in asc["jobs"]] == [*ids, failed]
    page = await get(client, "/api/jobs?limit=2&offset=1")
    assert [j["id"] for j in page["jobs"]] == [ids[2], ids[1]]
    assert page["pagination"] == {"offset": 1, "limit": 2, "total": 4, "has_more": True}
    last = await get(client, "/api/jobs?limit=2&offset=3")
    assert last["pagination"]["has_more"] is False and len(last["jobs"]) == 1
    queue_panel = await get(client, "/api/jobs?status=in_progress,pending&limit=200&offset=0")
    assert queue_panel["jobs"] == [] and queue_panel["pagination"]["total"] == 0
    by_duration = await get(client, "/api/jobs?sort_by=execution_duration")
    assert len(by_duration["jobs"]) == 4
    assert (await get(client, "/api/jobs?workflow_id=nope"))["pagination"]["total"] == 0

    for query, words in (("status=queued", "Invalid status value(s): queued"), ("sort_by=name", "sort_by"),
                         ("sort_order=up", "sort_order"), ("limit=0", "limit"), ("limit=x", "limit"),
                         ("offset=x", "offset")):
        resp = await client.get(f"/api/jobs?{query}")
        assert resp.status == 400, query
        assert words in (await resp.json())["error"]["message"]


async def test_detail_has_outputs_status_and_workflow(client: TestClient) -> None:
    done = await submit(client, IMAGE, extra_data={"extra_pnginfo": {"workflow": {"id": "w"}}})
    await finished(client, done)
    job = await get(client, f"/api/jobs/{done}")
    assert job["status"] == "completed" and job["workflow_id"] == "w"
    image = job["outputs"]["2"]["images"][0]
    assert image["type"] == "output" and image["filename"].endswith(".png")
    assert job["execution_status"]["status_str"] == "success" and job["execution_status"]["completed"] is True
    assert job["workflow"]["prompt"]["2"]["class_type"] == "SaveImage"
    assert job["workflow"]["extra_data"]["extra_pnginfo"]["workflow"]["id"] == "w"
    resp = await client.get(f"/api/jobs/{uuid.uuid4()}")
    assert resp.status == 404


async def test_cancel_is_idempotent_and_batch_validates_ids(client: TestClient) -> None:
    running = await submit(client, SLEEP)
    await until_status(client, running, "running")
    queued = await submit(client, chain(1))
    resp = await client.post(f"/api/jobs/{queued}/cancel")
    assert resp.status == 200 and await resp.json() == {"cancelled": True}
    assert (await get(client, f"/api/jobs/{queued}"))["status"] == "cancelled"
    assert await (await client.post(f"/api/jobs/{queued}/cancel")).json() == {"cancelled": False}
    assert await (await client.post(f"/api/jobs/{uuid.uuid4()}/cancel")).json() == {"cancelled": False}

    resp = await client.post("/api/jobs/cancel", json={"job_ids": [running, "not-a-uuid", 7]})
    assert resp.status == 400
    assert (await resp.json())["error"]["invalid_ids"] == ["not-a-uuid", "7"]
    assert (await client.post("/api/jobs/cancel", json={})).status == 400
    assert (await client.post("/api/jobs/cancel", data=b"{")).status == 400
    resp = await client.post("/api/jobs/cancel", json={"job_ids": [running, str(uuid.uuid4())]})
    assert await resp.json() == {"cancelled": True}
    await finished(client, running)
    assert (await get(client, f"/api/jobs/{running}"))["status"] == "cancelled"
