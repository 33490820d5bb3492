"""ComfyUI's Wan nodes that send a VIDEO (WanReferenceVideoApi, HappyHorseVideoEditApi,
Wan2VideoEditApi, Wan2VideoContinuationApi): DashScope takes input videos only as
public URLs, which ComfyUI gets from its own upload service. Keroro Graph does not
upload your files anywhere, so these nodes exist under ComfyUI's names (workflows
using them load) and are refused at validation, saying why."""
from __future__ import annotations

from keroro_graph.api import comfy_refused

from ..client import DashScopeClient
from . import TABLE

WHY = ("DashScope takes input videos only as public URLs, and Keroro Graph does not upload your files to a "
       "public host; this node cannot run on your own key yet")

wan_reference_video_api = comfy_refused(TABLE["WanReferenceVideoApi"], WHY, provider=DashScopeClient)
happy_horse_video_edit_api = comfy_refused(TABLE["HappyHorseVideoEditApi"], WHY, provider=DashScopeClient)
wan2_video_edit_api = comfy_refused(TABLE["Wan2VideoEditApi"], WHY, provider=DashScopeClient)
wan2_video_continuation_api = comfy_refused(TABLE["Wan2VideoContinuationApi"], WHY, provider=DashScopeClient)
