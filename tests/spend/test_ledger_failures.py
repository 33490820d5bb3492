"""A paid call the provider accepted is in the ledger even when no result came back: the
Kling fake takes the task, then the task fails, never finishes (the poll times out) or
the user cancels the run; SiliconFlow loses a create's answer. Each lands in GET
/api/spend with its status and estimated amount under ``maybe_charged`` (the provider may
charge it), today's budget counts it, and a create the provider refused outright is not
recorded at all."""
from __future__ import annotations

import asyncio

import pytest

from keroro_graph.server.keys import RUNTIME
from tests.conftest import run_graph
from tests.fakes.siliconflow import BUSY, SiliconFlowFake
from tests.providers.conftest import configure, prt  # noqa: F401
from tests.providers.siliconflow.conftest import KEY, image_graph

UNIT = 0.014  # kling-v2-1 image, per image, in the shipped table


def image(prompt: str) -> dict:
    return {"gen": {"class_type": "KlingImageGeneration",
                    "inputs": {"prompt": prompt, "negative_prompt": "", "model": "kling-v2-1",
                               "resolution": "1k", "aspect_ratio": "1:1", "n": 2}},
            "save": {"class_type": "PreviewImage", "inputs": {"images": ["gen", 0]}}}


async def _run(client, prompt: dict) -> tuple[str, str]:
    answer = await client.post("/prompt", json={"prompt": prompt})
    assert answer.status == 200, await answer.text()
    job_id = (await answer.json())["prompt_id"]
    return job_id, await _finished(client, job_id)


async def _finished(client, job_id: str) -> str:
    for _ in range(600):
        job = await (await client.get(f"/api/runs/{job_id}")).json()
        if job["status"] not in ("queued", "running"):
            await client.app[RUNTIME].spend.flush()
            return job["status"]
        await asyncio.sleep(0.02)
    raise AssertionError("the job did not finish")


async def _spend(client) -> dict:
    return await (await client.get("/api/spend", params={"group_by": "job"})).json()


async def test_a_task_that_failed_after_it_was_accepted_is_recorded_as_maybe_charged(api):
    client, fake = api
    fake.fail_reason = "internal error while generating"
    job_id, status = await _run(client, image("a teapot"))
    assert status == "error" and len(fake.creates()) == 1
    report = await _spend(client)
    assert report["total"]["amounts"] == {}
    assert report["total"]["maybe_charged"] == {"USD": pytest.approx(2 * UNIT)}
    assert report["total"]["statuses"] == {"failed": 1}
    assert report["groups"][job_id]["calls"] == 1
    budget = await (await client.get("/api/spend/budget")).json()
    assert budget["today"]["maybe_charged"] == {"USD": pytest.approx(2 * UNIT)} and budget["today"]["spent"] == {}
    # The daily limit counts it: 0.028 may be charged, so 0.03 leaves room for nothing more.
    await client.put("/api/spend/budget", json={"per_day": {"USD": 0.03}})
    refused = await client.post("/prompt", json={"prompt": image("another teapot")})
    assert refused.status == 400 and (await refused.json())["error"]["type"] == "budget_exceeded"


async def test_a_task_that_never_finishes_is_recorded_as_timed_out(api):
    client, fake = api
    client.app[RUNTIME].providers.poll_scale = 0.001  # the image plan's 900 s timeout becomes 0.9 s
    fake.hold = True
    _, status = await _run(client, image("a slow teapot"))
    assert status == "error" and len(fake.creates()) == 1
    total = (await _spend(client))["total"]
    assert total["statuses"] == {"timed_out": 1} and total["maybe_charged"] == {"USD": pytest.approx(2 * UNIT)}


async def test_a_run_cancelled_while_its_task_runs_is_recorded_as_cancelled(api):
    client, fake = api
    fake.hold = True
    answer = await client.post("/prompt", json={"prompt": image("a cancelled teapot")})
    job_id = (await answer.json())["prompt_id"]
    for _ in range(500):
        if fake.polls():
            break
        await asyncio.sleep(0.01)
    assert fake.polls(), "the task was never polled"
    await client.post(f"/api/runs/{job_id}/cancel")
    assert await _finished(client, job_id) == "interrupted"
    [call] = client.app[RUNTIME].spend.ledger.calls()
    assert call["status"] == "cancelled" and call["job_id"] == job_id and call["amount"] == pytest.approx(2 * UNIT)
    metrics = await (await client.get("/api/metrics")).text()
    assert 'keroro_spend_maybe_charged_total{provider="kling",currency="USD"} 0.028' in metrics


async def test_succeeded_and_refused_calls(api):
    client, fake = api
    _, status = await _run(client, image("a forbidden teapot"))  # refused at create (content policy)
    assert status == "error"
    _, status = await _run(client, image("a fine teapot"))
    assert status == "success"
    total = (await _spend(client))["total"]
    assert total["statuses"] == {"succeeded": 1}, "a create the provider refused is not a paid call"
    assert total["amounts"] == {"USD": pytest.approx(2 * UNIT)} and total["maybe_charged"] == {}


async def test_a_create_whose_answer_was_lost_is_recorded_as_uncertain(prt):  # noqa: F811
    """SiliconFlow has no idempotency key: a 503 after the create was sent is not sent
    again (AmbiguousCreateError), and the ledger keeps the call as "uncertain" (its price
    is unknown: counted under unknown_calls, never 0)."""
    async with SiliconFlowFake(api_key=KEY) as fake:
        configure(prt, "siliconflow", f"{fake.url}/v1", api_key=KEY)
        fake.fail_next(503, BUSY, times=5, path_prefix="/v1/images/generations")
        record = await run_graph(prt, image_graph())
        assert record.status.value == "error" and len(fake.seen("/v1/images/generations")) == 1
        await prt.spend.flush()
    [call] = prt.spend.ledger.calls()
    assert call["status"] == "uncertain" and call["class_type"] == "SiliconFlowImage" and call["amount"] is None
    total = prt.spend.ledger.query(since=None, until=None, group_by=None)["total"]
    assert total["statuses"] == {"uncertain": 1} and total["unknown_calls"] == 1 and total["amounts"] == {}
