"""RunningHubClient details seen from the fake: the Host rule, pooled connections,
the pack's example workflows (validated against the registry and run end to end)."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from keroro_graph.api import AuthError
from keroro_graph.graph.validate import validate_prompt
from keroro_graph.jobs.backend import JobStatus
from keroro_graph.runtime import Runtime
from tests.conftest import run_graph
from tests.fakes.base import png_bytes
from tests.fakes.runninghub import API_KEY, RunningHubFake
from tests.providers.runninghub.conftest import workflow_graph

EXAMPLES = Path(__file__).parents[3] / "custom_nodes" / "runninghub" / "example_workflows"


@pytest.mark.parametrize("base_url, host", [
    ("https://www.runninghub.cn", "www.runninghub.cn"), ("https://www.runninghub.ai", "www.runninghub.ai"),
    ("http://127.0.0.1:9999", "www.runninghub.cn"), ("https://rh-proxy.example.com/api", "www.runninghub.cn"),
])
def test_the_host_header_names_runninghubs_own_site(base_url: str, host: str, pack):
    assert pack.client.host_for(base_url) == host


async def test_a_wrong_host_is_refused_by_the_fake(pack):
    """The .ai fake expects Host www.runninghub.ai; a client at a non-RunningHub URL
    sends the CN name, and the refusal surfaces as an AuthError."""
    async with RunningHubFake(host="www.runninghub.ai") as fake, httpx.AsyncClient() as http:
        client = pack.client.RunningHubClient(http=http, base_url=fake.url, secrets={"api_key": API_KEY})
        with pytest.raises(AuthError, match="802"):
            await client.account()


async def test_connections_are_pooled_across_jobs(rrt: Runtime, rh: RunningHubFake):
    for seed in range(5):
        overrides = json.dumps([{"nodeId": "3", "fieldName": "seed", "fieldValue": seed}])
        record = await run_graph(rrt, workflow_graph(node_overrides=overrides))
        assert record.status == JobStatus.SUCCESS, record.error
    assert len(rh.requests) >= 30
    assert rh.connections <= 2


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
async def test_example_workflows_validate_and_run(rrt: Runtime, rh: RunningHubFake, path: Path):
    (rrt.settings.paths.input / "product.png").write_bytes(png_bytes(400, 300, (180, 120, 60)))
    prompt = json.loads(path.read_text())
    result = await validate_prompt(prompt, rrt.registry, paths=rrt.settings.paths)
    assert result.error is None and not result.node_errors, (result.error, result.node_errors)
    record = await run_graph(rrt, prompt)
    assert record.status == JobStatus.SUCCESS, record.error


async def test_slow_answers_are_waited_for(rrt: Runtime, rh: RunningHubFake):
    rh.delay_s = 0.1
    record = await run_graph(rrt, workflow_graph())
    assert record.status == JobStatus.SUCCESS, record.error


async def test_codes_sent_as_strings_are_understood(rrt: Runtime, rh: RunningHubFake):
    rh.fail_next(200, {"code": "812", "msg": "CORPAPIKEY_INSUFFICIENT_FUNDS", "data": None}, path_prefix="/task/")
    record = await run_graph(rrt, workflow_graph())
    assert record.error["exception_type"].endswith("QuotaError")
