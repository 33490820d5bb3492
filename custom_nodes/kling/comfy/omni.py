"""The Omni video nodes' shared request: model limits (kling-video-o1 has no sound,
no 4k, no storyboards and only 5 or 10 s), the prompt in Omni syntax, storyboards,
and the ``omni-video`` task."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video

from ..inputs import check_prompt, refuse
from ..models import OmniImage, OmniVideoRequest
from .tasks import check_total, mode_for, omni_prompt, shots_fields, sound, storyboard, video_task

O1 = "kling-video-o1"


async def omni_video(ctx: NodeContext, *, model_name: str, prompt: str, duration: int, resolution: str,
                     storyboards: dict[str, Any] | None, generate_audio: bool, images: list[OmniImage] = (),  # type: ignore[assignment]
                     aspect_ratio: str | None = None, any_duration: bool = True) -> Video:
    """Check the model's limits, then run one ``omni-video`` task."""
    shots = storyboard(storyboards, "storyboards")
    if model_name == O1:
        if generate_audio:
            raise refuse("generate_audio: kling-video-o1 makes no sound; turn it off or pick kling-v3-omni")
        if resolution == "4k":
            raise refuse("resolution: kling-video-o1 has no 4k; pick 1080p or 720p")
        if shots:
            raise refuse("storyboards: kling-video-o1 has no storyboards; pick kling-v3-omni")
        if duration not in (5, 10) and not any_duration:
            raise refuse(f"duration: kling-video-o1 makes 5 or 10 s videos here, not {duration}")
    check_total(shots, duration)
    text = check_prompt("prompt", omni_prompt(prompt), required=not shots) or ""
    request = OmniVideoRequest(model_name=model_name, prompt=text, aspect_ratio=aspect_ratio,
                               duration=str(duration), image_list=list(images) or None,
                               mode=mode_for(resolution), sound=sound(generate_audio), **shots_fields(shots))
    return await video_task(ctx, "omni-video", request)

