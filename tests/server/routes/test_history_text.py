"""/history and /history/{id} pass the stored documents on as they are (the embedded
store reads them a piece at a time, nothing is decoded or encoded): the answers must be
the same documents as the entries ComfyUI's shape makes from the decoded records."""
from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from keroro_graph.jobs.wire import history_entry
from keroro_graph.server import streaming
from keroro_graph.server.keys import RUNTIME

OK = {"c": {"class_type": "TestConst", "inputs": {"value": 7}, "_meta": {"title": "é ✓ \"quoted\""}},
      "o": {"class_type": "TestOutput", "inputs": {"source": ["c", 0]}}}
FAILS = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
         "f": {"class_type": "TestFail", "inputs": {"value": ["c", 0], "message": "no luck"}},
         "o": {"class_type": "TestOutput", "inputs": {"source": ["f", 0]}}}


async def run(client: TestClient, graph: dict[str, Any], **extra: Any) -> str:
    response = await client.post("/prompt", json={"prompt": graph, "client_id": "me", **extra})
    body = await response.json()
    assert response.status == 200, body
    await client.app[RUNTIME].jobs.wait(body["prompt_id"], timeout_s=60)
    return str(body["prompt_id"])


async def decoded(client: TestClient, *ids: str) -> dict[str, Any]:
    jobs = client.app[RUNTIME].jobs
    return {i: history_entry(record) for i in ids if (record := await jobs.get(i)) is not None}


async def test_history_answers_are_the_stored_documents_unchanged(client: TestClient, monkeypatch) -> None:
    ok = await run(client, OK, extra_data={"workflow_name": "天气 \"q\" \\ ✓",
                                                      "extra_pnginfo": {"workflow": {"id": "w-1"}}})
    failed = await run(client, FAILS)
    big = await run(client, {**{f"c{i}": {"class_type": "TestConst", "inputs": {"value": i}} for i in range(400)},
                             **{f"o{i}": {"class_type": "TestOutput", "inputs": {"source": [f"c{i}", 0]}}
                                for i in range(400)}})
    expected = await decoded(client, ok, failed, big)
    assert await client.app[RUNTIME].jobs.list_text(job_id=ok) is not None  # the embedded store keeps the text
    assert expected[failed]["status"]["status_str"] == "error" and expected[failed]["outputs"] == {}
    monkeypatch.setattr(streaming, "_WRITE", 1000)  # the big one is streamed in several writes

    everything = await client.get("/history")
    assert everything.status == 200 and everything.content_type == "application/json"
    assert json.loads(await everything.read()) == expected
    assert list(json.loads(await everything.read())) == [ok, failed, big]  # finish order
    assert await (await client.get("/history?max_items=2")).json() == {failed: expected[failed], big: expected[big]}
    assert await (await client.get("/history?max_items=1&offset=0")).json() == {ok: expected[ok]}
    for job_id in (ok, failed, big):
        assert await (await client.get(f"/history/{job_id}")).json() == {job_id: expected[job_id]}
    assert await (await client.get("/history/no-such-job")).json() == {}
