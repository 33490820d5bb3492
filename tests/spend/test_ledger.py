"""The spend ledger records what each paid call cost and what the provider reported it
used: a SiliconFlow chat against its fake, streamed and not, lands in the ledger with
its estimated amount (from the token table) and the response's token usage when the
response has one (a stream without ``include_usage`` has none: recorded as null)."""
from __future__ import annotations

import pytest

from tests.conftest import run_graph
from tests.fakes.siliconflow import SiliconFlowFake
from tests.providers.conftest import configure, prt  # noqa: F401
from tests.providers.siliconflow.conftest import KEY, chat_graph


@pytest.mark.parametrize("stream", [False, True])
async def test_a_paid_chat_is_in_the_ledger_with_its_usage(prt, stream):  # noqa: F811
    async with SiliconFlowFake(api_key=KEY) as fake:
        configure(prt, "siliconflow", f"{fake.url}/v1", api_key=KEY)
        record = await run_graph(prt, chat_graph(prompt="describe a ceramic mug", stream=stream))
        assert record.status.value == "success", record.error
        await prt.spend.flush()
    [call] = prt.spend.ledger.calls()
    assert call["class_type"] == "SiliconFlowChat" and call["provider"] == "siliconflow"
    assert call["model"] == "deepseek-ai/DeepSeek-V3" and call["currency"] == "CNY"
    expected = (2.00 * len("describe a ceramic mug") + 8.00 * 512) / 1_000_000
    assert call["amount"] == pytest.approx(expected)
    if stream:
        assert call["usage"] is None
    else:
        assert call["usage"]["prompt_tokens"] > 0 and call["usage"]["completion_tokens"] > 0
    report = prt.spend.ledger.query(since=None, until=None, group_by="job")
    assert report["groups"][record.id]["amounts"] == {"CNY": pytest.approx(expected)}
