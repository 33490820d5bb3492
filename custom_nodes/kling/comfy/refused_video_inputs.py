"""ComfyUI's Kling nodes that send a VIDEO (KlingMotionControl,
KlingOmniProEditVideoNode, KlingOmniProVideoToVideoNode): Kling's public API takes
reference videos only as public URLs, which ComfyUI gets from its own upload
service. Keroro Graph does not upload your files anywhere, so these nodes exist under
ComfyUI's names (workflows using them load) and are refused at validation, saying
why, before anything is spent."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..inputs import refuse
from . import TABLE

WHY = ("Kling's API takes a reference video only as a public URL, and Keroro Graph does not upload your files "
       "to a public host; this node cannot run on your own keys yet")


def _refuse_at_validation(_ctx: Any, **_inputs: Any) -> str:
    return WHY


def _refusing(class_type: str) -> Any:
    @comfy_node(TABLE[class_type], provider=KlingClient, validate=_refuse_at_validation)
    async def run(ctx: NodeContext, **_inputs: Any) -> Video:
        raise refuse(f"{class_type}: {WHY}")
    run.__name__ = class_type
    return run


kling_motion_control = _refusing("KlingMotionControl")
kling_omni_pro_edit_video_node = _refusing("KlingOmniProEditVideoNode")
kling_omni_pro_video_to_video_node = _refusing("KlingOmniProVideoToVideoNode")
