"""RunningHubWorkflow: run one of your RunningHub workflows in the cloud
(``/task/openapi/create``), with fields overridden through ``nodeInfoList`` and an
optional image uploaded into a LoadImage node; returns its images, first video,
every output URL and the task id."""
from __future__ import annotations

from typing import Annotated, Optional

from keroro_graph.api import IMAGE, VIDEO, Combo, Input, NodeContext, Output, Text, node

from ..client import RunningHubClient
from ..inputs import refuse
from ..models import INSTANCE_TYPES, CreateRequest, NodeInfo
from ..run import run_task

OVERRIDES_HELP = ('JSON list of field overrides, e.g. [{"nodeId": "6", "fieldName": "text", '
                  '"fieldValue": "a cat"}]; nodeId and fieldName come from the workflow\'s API JSON.')


@node("RunningHubWorkflow", category="provider/runninghub", provider=RunningHubClient,
      display_name="RunningHub Workflow",
      paid=True)
async def running_hub_workflow(
    ctx: NodeContext,
    workflow_id: Annotated[str, Text(default="", tooltip="The workflow's id (from its RunningHub page URL).")],
    node_overrides: Annotated[str, Text(multiline=True, default="", tooltip=OVERRIDES_HELP)],
    instance_type: Annotated[str, Combo(options=INSTANCE_TYPES, default="default",
                                        tooltip="plus runs on a 48 GB machine.")],
    image_node_id: Annotated[str, Text(default="", tooltip="Id of the LoadImage node that receives the image.")],
    image_field: Annotated[str, Text(default="image", tooltip="The field of that node that takes the image.")],
    image: Annotated[Optional[IMAGE], Input(tooltip="Optional image, uploaded and set on image_node_id.")] = None,
) -> tuple[Annotated[IMAGE, Output(name="images")], Annotated[VIDEO, Output(name="video")],
           Annotated[str, Output(name="file_urls")], Annotated[str, Output(name="task_id")]]:
    """Run a RunningHub workflow and collect its outputs."""
    workflow = workflow_id.strip()
    if not workflow:
        raise refuse("workflow_id: set the id of the workflow to run")

    async def start(client: RunningHubClient, infos: list[NodeInfo]):
        request = CreateRequest(workflowId=workflow, nodeInfoList=infos,
                                instanceType="plus" if instance_type == "plus" else None)
        return await client.create(request)

    return await run_task(ctx, start, node_overrides=node_overrides, image=image,  # type: ignore[return-value]
                          image_node_id=image_node_id, image_field=image_field)
