"""/queue, /history and /interrupt: ComfyUI's shapes, sorted pending items, no
credentials shown, paging, clearing, and history that survives a restart."""
from __future__ import annotations

import pytest

from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings
from tests.conftest import chain

SLOW = {"c": {"class_type": "TestConst", "inputs": {"value": 1}},
        "s": {"class_type": "TestSleep", "inputs": {"value": ["c", 0], "seconds": 30}},
        "o": {"class_type": "TestOutput", "inputs": {"source": ["s", 0]}}}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every running job holds a slot (the sleeping blockers would otherwise give theirs
    back while they wait, and the pending jobs would run)."""
    return settings.model_copy(update={"max_waiting_jobs": 0})


async def fill_queue(client, settings):
    """One running blocker per worker slot, then three pending jobs."""
    for i in range(settings.max_jobs):
        slow = {**SLOW, "c": {"class_type": "TestConst", "inputs": {"value": 100 + i}}}
        await client.post("/prompt", json={"prompt": slow, "prompt_id": f"run{i}"})
    for name, number in (("p-late", 30), ("p-early", 10), ("p-mid", 20)):
        await client.post("/prompt", json={"prompt": chain(1, start=number), "prompt_id": name, "number": number,
                                           "extra_data": {"api_key_comfy_org": "sk-secret-value"}})


async def wait_running(client, count):
    for _ in range(200):
        queue = await (await client.get("/queue")).json()
        if len(queue["queue_running"]) == count:
            return queue
        import asyncio
        await asyncio.sleep(0.02)
    raise AssertionError("jobs did not start")


async def test_queue_lists_running_and_sorted_pending_without_secrets(client, settings):
    await fill_queue(client, settings)
    queue = await wait_running(client, settings.max_jobs)
    assert [item[1] for item in queue["queue_pending"]] == ["p-early", "p-mid", "p-late"]
    number, prompt_id, prompt, extra, outputs = queue["queue_pending"][0]
    assert (number, prompt_id, outputs) == (10, "p-early", ["out"]) and prompt["0"]["class_type"] == "TestConst"
    raw = await (await client.get("/queue")).text()
    assert "sk-secret-value" not in raw
    await client.post("/interrupt")


async def test_queue_delete_and_clear_touch_pending_only(client, settings):
    await fill_queue(client, settings)
    await wait_running(client, settings.max_jobs)
    assert (await (await client.post("/queue", json={"delete": ["p-mid", "run0"]})).json())["deleted"] == 1
    queue = await (await client.get("/queue")).json()
    assert [i[1] for i in queue["queue_pending"]] == ["p-early", "p-late"]
    assert len(queue["queue_running"]) == settings.max_jobs
    await client.post("/queue", json={"clear": True})
    queue = await (await client.get("/queue")).json()
    assert queue["queue_pending"] == [] and len(queue["queue_running"]) == settings.max_jobs
    await client.post("/interrupt")


async def run_and_wait(client, graph, prompt_id):
    await client.post("/prompt", json={"prompt": graph, "prompt_id": prompt_id})
    import asyncio
    for _ in range(300):
        history = await (await client.get(f"/history/{prompt_id}")).json()
        if history:
            return history[prompt_id]
        await asyncio.sleep(0.02)
    raise AssertionError(f"{prompt_id} did not finish")


async def test_history_paging_clear_delete(client):
    for i in range(5):
        await run_and_wait(client, chain(1, start=i), f"h{i}")
    everything = await (await client.get("/history")).json()
    assert list(everything) == ["h0", "h1", "h2", "h3", "h4"]
    assert list(await (await client.get("/history?max_items=2")).json()) == ["h3", "h4"]
    assert list(await (await client.get("/history?max_items=2&offset=1")).json()) == ["h1", "h2"]
    assert await (await client.get("/history?offset=99")).json() == {}
    assert (await client.get("/history?max_items=lots")).status == 400
    assert await (await client.get("/history/unknown")).json() == {}
    await client.post("/history", json={"delete": ["h1"]})
    assert "h1" not in await (await client.get("/history")).json()
    await client.post("/history", json={"clear": True})
    assert await (await client.get("/history")).json() == {}


async def test_history_entry_shape(client):
    entry = await run_and_wait(client, chain(2, start=5), "shape")
    assert entry["prompt"][1] == "shape" and entry["prompt"][4] == ["out"]
    assert entry["outputs"] == {"out": {"text": ["7"]}}
    assert [m[0] for m in entry["status"]["messages"]] == ["execution_start", "execution_cached", "execution_success"]
    assert entry["meta"]["out"]["node_id"] == "out"


async def test_history_and_queue_survive_a_server_restart(settings, registry, aiohttp_client):
    first = await aiohttp_client(create_app(settings, registry=registry))
    await run_and_wait(first, chain(2), "before-restart")
    await first.close()
    second = await aiohttp_client(create_app(settings, registry=registry))
    history = await (await second.get("/history/before-restart")).json()
    assert history["before-restart"]["outputs"] == {"out": {"text": ["3"]}}
