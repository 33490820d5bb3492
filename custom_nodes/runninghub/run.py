"""One RunningHub run as the workflow and AI-app nodes share it: parse the
overrides, upload the optional image, start the task, poll it to the end (cancelling
it at RunningHub if the job is cancelled) and collect its outputs."""
from __future__ import annotations

from typing import Awaitable, Callable

import numpy as np

from keroro_graph.api import NodeContext, Result

from .client import RunningHubClient
from .inputs import add_image, parse_node_overrides
from .models import CreatedTask, NodeInfo
from .outputs import task_result

Start = Callable[[RunningHubClient, list[NodeInfo]], Awaitable[CreatedTask]]


async def run_task(ctx: NodeContext, start: Start, *, node_overrides: str, image: np.ndarray | None,
                   image_node_id: str, image_field: str) -> Result:
    infos = parse_node_overrides(node_overrides)  # before any request: a typo costs nothing
    client = ctx.provider(RunningHubClient)
    infos = await add_image(client, infos, image, node_id=image_node_id, field=image_field)
    task = await start(client, infos)
    ctx.text(f"RunningHub task {task.taskId} started")
    files = await client.wait(ctx, task.taskId)
    return await task_result(ctx, client, task.taskId, files)
