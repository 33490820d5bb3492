"""RunningHubAIApp: run a RunningHub AI app (``/task/openapi/ai-app/run``) with its
fields set through ``nodeInfoList`` and an optional uploaded image; returns the same
outputs as RunningHubWorkflow."""
from __future__ import annotations

from typing import Annotated, Optional

from keroro_graph.api import IMAGE, VIDEO, Combo, Input, NodeContext, Output, Text, node

from ..client import RunningHubClient
from ..inputs import refuse
from ..models import INSTANCE_TYPES, AIAppRequest, NodeInfo
from ..run import run_task
from .running_hub_workflow import OVERRIDES_HELP


@node("RunningHubAIApp", category="provider/runninghub", provider=RunningHubClient,
      display_name="RunningHub AI App",
      paid=True)
async def running_hub_ai_app(
    ctx: NodeContext,
    webapp_id: Annotated[str, Text(default="", tooltip="The AI app's id (from its RunningHub page URL).")],
    node_overrides: Annotated[str, Text(multiline=True, default="", tooltip=OVERRIDES_HELP)],
    instance_type: Annotated[str, Combo(options=INSTANCE_TYPES, default="default")],
    image_node_id: Annotated[str, Text(default="", tooltip="Id of the app's image node that receives the image.")],
    image_field: Annotated[str, Text(default="image")],
    image: Annotated[Optional[IMAGE], Input(tooltip="Optional image, uploaded and set on image_node_id.")] = None,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[VIDEO, Output(name="video")],
           Annotated[str, Output(name="file_urls")], Annotated[str, Output(name="task_id")]]:
    """Run a RunningHub AI app and collect its outputs."""
    app = webapp_id.strip()
    if not app:
        raise refuse("webapp_id: set the id of the AI app to run")

    async def start(client: RunningHubClient, infos: list[NodeInfo]):
        request = AIAppRequest(webappId=app, nodeInfoList=infos,
                               instanceType="plus" if instance_type == "plus" else None)
        return await client.run_ai_app(request)

    return await run_task(ctx, start, node_overrides=node_overrides, image=image,  # type: ignore[return-value]
                          image_node_id=image_node_id, image_field=image_field)
