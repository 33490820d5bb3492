"""RunningHubAccountStatus against the fake RunningHub: the summary text, the
request it sends, a fresh answer on every run, and its failure cases."""
from __future__ import annotations

import json

from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.runninghub import API_KEY, HOST, RunningHubFake
from tests.providers.conftest import configure
from tests.providers.runninghub.conftest import kind

ACCOUNT = "/uc/openapi/accountStatus"


def graph() -> dict:
    return {"1": {"class_type": "RunningHubAccountStatus", "inputs": {}},
            "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}


async def test_the_summary_names_coins_tasks_and_api_type(rrt: Runtime, rh: RunningHubFake):
    record = await run_graph(rrt, graph())
    assert record.status == JobStatus.SUCCESS, record.error
    text = record.outputs["2"]["text"][0]
    assert "remainCoins: 177814" in text and "currentTaskCounts: 0" in text and "apiType: NORMAL" in text
    assert record.outputs["1"]["text"] == [text]
    (call,) = rh.seen_path(ACCOUNT)
    assert call.headers["Host"] == HOST
    body = json.loads(call.body)
    assert body == {"apiKey": API_KEY, "apikey": API_KEY}


async def test_every_run_asks_again(rrt: Runtime, rh: RunningHubFake):
    await run_graph(rrt, graph())
    await run_graph(rrt, graph())
    assert len(rh.seen_path(ACCOUNT)) == 2


async def test_retry_then_success_and_exhaustion(rrt: Runtime, rh: RunningHubFake):
    rh.fail_next(503, "down", path_prefix=ACCOUNT)
    assert (await run_graph(rrt, graph())).status == JobStatus.SUCCESS
    rh.fail_next(429, "slow down", times=10, path_prefix=ACCOUNT)
    record = await run_graph(rrt, graph())
    assert record.error["node_id"] == "1" and kind(record) == "RateLimitedError"


async def test_bad_key(prt: Runtime, rh: RunningHubFake):
    configure(prt, "runninghub", rh.url, api_key="1" * 32)
    record = await run_graph(prt, graph())
    assert kind(record) == "AuthError" and len(rh.requests) == 1


async def test_missing_credentials(prt: Runtime):
    sub = await prt.jobs.submit(graph())
    assert not sub.accepted and sub.node_errors["1"]["errors"][0]["type"] == "missing_credentials"
