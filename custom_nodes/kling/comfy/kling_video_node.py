"""KlingVideoNode ("Kling 3.0 Video"): text to video, or image to video from an
optional start frame, with one prompt or storyboard shots, 720p/1080p/4k and sound."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..inputs import check_prompt, refuse
from ..models import SoundVideoRequest
from . import TABLE
from .tasks import frames, mode_for, shots_fields, sound, storyboard, video_task

#: Served only through ComfyUI's own proxy, not Kling's public API.
PROXY_ONLY = {"kling-3.0-turbo"}


@comfy_node(TABLE["KlingVideoNode"], provider=KlingClient)
async def kling_video_node(ctx: NodeContext, *, multi_shot: dict[str, Any], generate_audio: bool,
                           model: dict[str, Any], seed: int, start_frame: Any = None) -> Video:
    """Generate a Kling 3.0 video on your own keys."""
    if model["model"] in PROXY_ONLY:
        raise refuse(f"model: {model['model']} is served only through ComfyUI's proxy, not Kling's public API; "
                     "pick kling-v3")
    shots = storyboard(multi_shot, "multi_shot")
    duration = sum(int(s.duration) for s in shots) if shots else int(multi_shot["duration"])
    if not 3 <= duration <= 15:
        raise refuse(f"multi_shot: the shots last {duration} s; Kling 3.0 makes 3 to 15 s")
    fields: dict[str, Any] = dict(model_name=model["model"], mode=mode_for(model["resolution"]),
                                  duration=str(duration), sound=sound(generate_audio), **shots_fields(shots))
    if not shots:
        fields.update(prompt=check_prompt("multi_shot.prompt", multi_shot["prompt"], required=True),
                      negative_prompt=check_prompt("multi_shot.negative_prompt", multi_shot["negative_prompt"]))
    if start_frame is not None:
        [fields["image"]] = frames(start_frame, "start_frame", limit=1)
        return await video_task(ctx, "image2video", SoundVideoRequest(**fields))
    return await video_task(ctx, "text2video", SoundVideoRequest(aspect_ratio=model["aspect_ratio"], **fields))
