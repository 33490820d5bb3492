"""The tool arguments several tools share, with the descriptions an assistant reads."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

WorkflowName = Annotated[str | None, Field(description="Name of a saved workflow (see list_workflows).")]
GraphJSON = Annotated[dict[str, Any] | None, Field(
    description="A graph instead of a saved name: an API graph {node_id: {class_type, inputs}}, "
                "a POST /prompt body, or a UI workflow as saved by the canvas.")]
Overrides = Annotated[dict[str, Any] | None, Field(
    description='Input values to change, keyed "NODE.INPUT" where NODE is a node id or title, '
                'e.g. {"3.seed": 42, "Headline.text": "Hello"}. describe_workflow lists the keys.')]
Wait = Annotated[float, Field(ge=0, le=3600, description=(
    "Seconds to wait for the run to finish. When it runs out you get a job handle (not an error) "
    "to follow with get_job / get_outputs; 0 queues and returns at once."))]
Previews = Annotated[bool, Field(description="Include small inline previews (≤512 px) of output images.")]
JobId = Annotated[str, Field(description="A job id as returned by run_workflow, batch_run or list_jobs.")]
