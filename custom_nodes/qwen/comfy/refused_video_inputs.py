"""ComfyUI's Wan nodes that send a VIDEO (WanReferenceVideoApi, HappyHorseVideoEditApi,
Wan2VideoEditApi, Wan2VideoContinuationApi): DashScope takes input videos only as
public URLs, which ComfyUI gets from its own upload service. Keroro Graph does not
upload your files anywhere, so these nodes exist under ComfyUI's names (workflows
using them load) and are refused at validation, saying why."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE

WHY = ("DashScope takes input videos only as public URLs, and Keroro Graph does not upload your files to a "
       "public host; this node cannot run on your own key yet")


def _refuse_at_validation(_ctx: Any, **_inputs: Any) -> str:
    return WHY


def _refusing(class_type: str) -> Any:
    @comfy_node(TABLE[class_type], provider=DashScopeClient, validate=_refuse_at_validation)
    async def run(ctx: NodeContext, **_inputs: Any) -> Video:
        raise ValueError(WHY)
    run.__name__ = class_type
    return run


wan_reference_video_api = _refusing("WanReferenceVideoApi")
happy_horse_video_edit_api = _refusing("HappyHorseVideoEditApi")
wan2_video_edit_api = _refusing("Wan2VideoEditApi")
wan2_video_continuation_api = _refusing("Wan2VideoContinuationApi")
