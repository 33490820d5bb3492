"""ComfyUI's Kling nodes that send a VIDEO (KlingMotionControl,
KlingOmniProEditVideoNode, KlingOmniProVideoToVideoNode): Kling's public API takes
reference videos only as public URLs, which ComfyUI gets from its own upload
service. Keroro Graph does not upload your files anywhere, so these nodes exist under
ComfyUI's names (workflows using them load) and are refused at validation, saying
why, before anything is spent."""
from __future__ import annotations

from keroro_graph.api import comfy_refused

from ..client import KlingClient
from . import TABLE

WHY = ("Kling's API takes a reference video only as a public URL, and Keroro Graph does not upload your files "
       "to a public host; this node cannot run on your own keys yet")

kling_motion_control = comfy_refused(TABLE["KlingMotionControl"], WHY, provider=KlingClient)
kling_omni_pro_edit_video_node = comfy_refused(TABLE["KlingOmniProEditVideoNode"], WHY, provider=KlingClient)
kling_omni_pro_video_to_video_node = comfy_refused(TABLE["KlingOmniProVideoToVideoNode"], WHY, provider=KlingClient)
