"""KlingTextToVideo: a prompt in, a Kling video out (``POST /v1/videos/text2video``,
then polled until it ends; typically about five minutes)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, Float, NodeContext, Output, Price, Text, VIDEO, node

from ..client import KlingClient
from ..inputs import camera, cfg_for, check_prompt
from ..models import CAMERA_PRESETS, DURATIONS, MODES, VIDEO_ASPECT_RATIOS, VIDEO_MODELS, Text2VideoRequest
from ..outputs import video_result


@node("KlingTextToVideo", category="video/kling", provider=KlingClient, display_name="Kling Text to Video",
      price=Price("kling", key=("model", "mode", "duration")))
async def kling_text_to_video(
    ctx: NodeContext,
    prompt: Annotated[str, Text(multiline=True, default="",
                                tooltip="What happens in the video (≤ 2500 characters).")],
    negative_prompt: Annotated[str, Text(multiline=True, default="", tooltip="What to avoid (≤ 2500 characters).")],
    model: Annotated[str, Combo(options=VIDEO_MODELS, default=VIDEO_MODELS[0])],
    mode: Annotated[str, Combo(options=MODES, default="std", tooltip="std is faster and cheaper; pro looks better.")],
    duration: Annotated[str, Combo(options=DURATIONS, default="5", tooltip="Seconds.")],
    aspect_ratio: Annotated[str, Combo(options=VIDEO_ASPECT_RATIOS, default="16:9")],
    cfg_scale: Annotated[float, Float(default=0.5, min=0.0, max=1.0, step=0.05,
                                      tooltip="Prompt adherence; kling-v1 models only.")],
    camera_control: Annotated[str, Combo(options=CAMERA_PRESETS, default="none",
                                         tooltip="A preset camera move, or none.")] = "none",
) -> tuple[Annotated[VIDEO, Output(name="video")], Annotated[str, Output(name="task_id")]]:
    """Generate a video from a text prompt with Kling."""
    request = Text2VideoRequest(
        model_name=model, prompt=check_prompt("prompt", prompt, required=True),
        negative_prompt=check_prompt("negative_prompt", negative_prompt), cfg_scale=cfg_for(model, cfg_scale),
        mode=mode, aspect_ratio=aspect_ratio, duration=duration, camera_control=camera(camera_control))
    kling = ctx.provider(KlingClient)
    task = await kling.create("text2video", request)
    ctx.text(f"Kling task {task.task_id} submitted")
    finished = await kling.wait(ctx, "text2video", task.task_id)
    return await video_result(ctx, kling, finished)  # type: ignore[return-value]
