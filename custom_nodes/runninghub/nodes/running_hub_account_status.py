"""RunningHubAccountStatus: the account's remaining coins, running task count and
API type (``/uc/openapi/accountStatus``) as text, asked afresh on every run."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import NodeContext, Output, Result, node

from ..client import RunningHubClient


# Its own limit: a balance check must not queue behind a long task holding the
# provider's single slot. Never cached: the balance changes.
@node("RunningHubAccountStatus", category="provider/runninghub", provider=RunningHubClient,
      limit="runninghub_account", fingerprint=lambda: float("nan"), display_name="RunningHub Account Status")
async def running_hub_account_status(ctx: NodeContext) -> Annotated[str, Output(name="summary")]:
    """Show the RunningHub account's balance and task count."""
    status = await ctx.provider(RunningHubClient).account()
    summary = status.summary()
    return Result(summary, ui={"text": [summary]})  # type: ignore[return-value]
