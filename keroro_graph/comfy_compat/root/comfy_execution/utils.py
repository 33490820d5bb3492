"""``comfy_execution.utils``: the executing context (prompt, node, list index)."""
from __future__ import annotations

from typing import Any, NamedTuple

from keroro_graph.api import current_context


class ExecutionContext(NamedTuple):
    prompt_id: str
    node_id: str
    list_index: int | None


def get_executing_context() -> ExecutionContext | None:
    ctx: Any = current_context.get()
    if ctx is None:
        return None
    return ExecutionContext(prompt_id=ctx.job_id, node_id=ctx.node_id, list_index=None)
