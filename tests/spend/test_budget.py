"""The budget guard and the spend ledger through the HTTP API against the Kling fake:
limits hold when 20 jobs arrive at once (reserve on submit, settle on finish), a
per-job limit yields to confirm_spend but a daily one does not, an unknown price needs
confirmation, bad limits are refused by name, and /api/spend totals what was spent."""
from __future__ import annotations

import asyncio
import json

import pytest

from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import Settings
from tests.conftest import FIXTURE_PACKS
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.providers.conftest import PACKS

PRICE = 0.21  # kling-v2-5-turbo std 5 s in the shipped table


def video(prompt: str, model: str = "kling-v2-5-turbo") -> dict:
    return {"1": {"class_type": "KlingTextToVideo",
                  "inputs": {"prompt": prompt, "negative_prompt": "", "model": model, "mode": "std",
                             "duration": "5", "aspect_ratio": "16:9", "cfg_scale": 0.5}},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 1]}}}




async def _wait_idle(client) -> None:
    runtime = client.app[RUNTIME]
    for _ in range(600):
        if await runtime.jobs.queue_remaining() == 0:
            break
        await asyncio.sleep(0.05)
    await runtime.spend.flush()


async def test_a_daily_limit_holds_across_20_jobs_submitted_at_once(api):
    client, fake = api
    response = await client.put("/api/spend/budget", json={"per_day": {"USD": 1.0}})
    assert response.status == 200
    answers = await asyncio.gather(*(client.post("/prompt", json={"prompt": video(f"shot {i}")})
                                     for i in range(20)))
    bodies = [await a.json() for a in answers]
    accepted = [b for a, b in zip(answers, bodies) if a.status == 200]
    refused = [b for a, b in zip(answers, bodies) if a.status == 400]
    assert len(accepted) == 4 and len(refused) == 16  # 4 × 0.21 = 0.84 ≤ 1.00 < 5 × 0.21
    assert all(b["error"]["type"] == "budget_exceeded" for b in refused)
    assert "1" in refused[0]["node_errors"] and "left of today's limit" in refused[0]["error"]["message"]
    await _wait_idle(client)
    assert len(fake.creates()) == 4
    spend = await (await client.get("/api/spend", params={"group_by": "provider"})).json()
    assert spend["total"]["amounts"] == {"USD": pytest.approx(4 * PRICE)} and spend["total"]["calls"] == 4
    assert spend["groups"]["kling"]["calls"] == 4
    budget = await (await client.get("/api/spend/budget")).json()
    assert budget["today"]["reserved"] == {} and budget["today"]["spent"]["USD"] == pytest.approx(4 * PRICE)
    again = await client.post("/prompt", json={"prompt": video("one more"), "extra_data": {"confirm_spend": True}})
    assert again.status == 400, "confirmation never lifts the daily limit"


async def test_per_job_limit_needs_confirmation_and_unknown_prices_too(api):
    client, fake = api
    await client.put("/api/spend/budget", json={"per_job": {"USD": 0.1}, "per_day": {"USD": 5}})
    over = await client.post("/prompt", json={"prompt": video("over")})
    body = await over.json()
    assert over.status == 400 and "per-job limit" in body["error"]["message"]
    assert body["error"]["extra_info"]["nodes"]["1"]["amount"] == pytest.approx(PRICE)
    ok = await client.post("/prompt", json={"prompt": video("over"), "extra_data": {"confirm_spend": True}})
    assert ok.status == 200
    unknown = await client.post("/prompt", json={"prompt": video("v21", model="kling-v2-1")})
    body = await unknown.json()
    assert unknown.status == 400 and "unknown" in body["error"]["message"] and "1" in body["error"]["message"]
    estimate = await (await client.post("/api/prompt/estimate", json={"prompt": video("v21", model="kling-v2-1")})).json()
    assert estimate["nodes"]["1"]["amount"] is None and estimate["unknown"] == ["1"] and estimate["total"] == {}
    await _wait_idle(client)


@pytest.mark.parametrize("doc, named", [
    ({"per_day": {"USD": -1}}, "negative"),
    ({"per_day": {"USD": "ten"}}, "not a number"),
    ({"per_job": {"USD": True}}, "not a number"),
    ({"per_week": {"USD": 1}}, "per_week"),
    ([1, 2], "JSON object"),
])
async def test_bad_limits_are_refused_by_name(api, doc, named):
    client, _ = api
    response = await client.put("/api/spend/budget", json=doc)
    assert response.status == 400 and named in json.dumps(await response.json())


async def test_spend_queries_are_checked(api):
    client, _ = api
    assert (await client.get("/api/spend", params={"group_by": "color"})).status == 400
    assert (await client.get("/api/spend", params={"since": "yesterday"})).status == 400
    day = await client.get("/api/spend", params={"since": "2026-01-01", "group_by": "day"})
    assert day.status == 200 and (await day.json())["total"]["calls"] == 0


async def test_a_job_removed_from_the_queue_gives_its_reservation_back(tmp_path, full_registry, aiohttp_client):
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS],
                        run_workers=False)  # a server that leaves jobs to workers: they stay queued
    client = await aiohttp_client(create_app(settings, registry=full_registry))
    await client.put("/api/providers/kling/secrets", json={"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
    await client.put("/api/spend/budget", json={"per_day": {"USD": 0.5}})
    first = await (await client.post("/prompt", json={"prompt": video("one")})).json()
    assert (await client.post("/prompt", json={"prompt": video("two")})).status == 200
    assert (await client.post("/prompt", json={"prompt": video("three")})).status == 400  # 3 × 0.21 > 0.5
    assert (await client.post("/queue", json={"delete": [first["prompt_id"]]})).status == 200
    third = await client.post("/prompt", json={"prompt": video("three")})
    assert third.status == 200, await third.text()


async def test_a_reservation_made_before_a_restart_is_settled_when_its_job_ends_after_it(
        tmp_path, full_registry, aiohttp_client):
    """Jobs that cannot have reserved (no paid node) end without a ledger write; the
    reservation of a job still queued when the server stopped goes when that job ends
    in the next server."""
    async with KlingFake(steps=()) as fake:
        settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS],
                            run_workers=False)
        first = await aiohttp_client(create_app(settings, registry=full_registry))
        await first.put("/api/providers/kling/settings", json={"base_url": fake.url})
        await first.put("/api/providers/kling/secrets", json={"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
        await first.put("/api/spend/budget", json={"per_day": {"USD": 5}})
        assert (await first.post("/prompt", json={"prompt": video("queued over a restart")})).status == 200
        reserved = (await (await first.get("/api/spend/budget")).json())["today"]["reserved"]
        assert reserved == {"USD": pytest.approx(PRICE)}
        await first.close()
        second = await aiohttp_client(create_app(settings.model_copy(update={"run_workers": True}),
                                                 registry=full_registry))
        second.app[RUNTIME].providers.poll_scale = 0.01
        free = await second.post("/prompt", json={"prompt": {
            "1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}})
        assert free.status == 200
        await _wait_idle(second)
        assert len(fake.creates()) == 1
    budget = await (await second.get("/api/spend/budget")).json()
    assert budget["today"]["reserved"] == {} and budget["today"]["spent"]["USD"] == pytest.approx(PRICE)
