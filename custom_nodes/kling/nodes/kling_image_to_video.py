"""KlingImageToVideo: a start frame (and optionally an end frame) animated by Kling
(``POST /v1/videos/image2video``, then polled; typically under three minutes).
Frames go up as raw base64 JPEG, checked against Kling's size and shape rules first."""
from __future__ import annotations

from typing import Annotated, Optional

from keroro_graph.api import Combo, Float, IMAGE, Input, NodeContext, Output, Price, Text, VIDEO, node

from ..client import KlingClient
from ..inputs import camera, cfg_for, check_prompt, kling_image, refuse
from ..models import CAMERA_PRESETS, DURATIONS, MODES, VIDEO_MODELS, Image2VideoRequest
from ..outputs import video_result


@node("KlingImageToVideo", category="video/kling", provider=KlingClient, display_name="Kling Image to Video",
      price=Price("kling", key=("model", "mode", "duration")))
async def kling_image_to_video(
    ctx: NodeContext,
    start_frame: Annotated[IMAGE, Input(tooltip="The first frame (≥ 300 px per side, aspect 1:2.5 to 2.5:1).")],
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="How the scene moves (optional).")],
    negative_prompt: Annotated[str, Text(multiline=True, default="")],
    model: Annotated[str, Combo(options=VIDEO_MODELS, default=VIDEO_MODELS[0])],
    mode: Annotated[str, Combo(options=MODES, default="std")],
    duration: Annotated[str, Combo(options=DURATIONS, default="5", tooltip="Seconds; an end frame needs 5.")],
    cfg_scale: Annotated[float, Float(default=0.5, min=0.0, max=1.0, step=0.05,
                                      tooltip="Prompt adherence; kling-v1 models only.")],
    camera_control: Annotated[str, Combo(options=CAMERA_PRESETS, default="none",
                                         tooltip="A preset camera move; not with an end frame.")] = "none",
    end_frame: Annotated[Optional[IMAGE], Input(tooltip="The last frame (optional; 5 s videos only).")] = None,
) -> tuple[Annotated[VIDEO, Output(name="video")], Annotated[str, Output(name="task_id")]]:
    """Animate a still image into a video with Kling."""
    if end_frame is not None and duration != "5":
        raise refuse(f"end_frame: Kling allows an end frame only with duration 5, not {duration}")
    if end_frame is not None and camera_control != "none":
        raise refuse("camera_control: Kling does not combine camera control with an end frame; set it to none")
    request = Image2VideoRequest(
        model_name=model, image=kling_image(start_frame, "start_frame"),
        image_tail=kling_image(end_frame, "end_frame") if end_frame is not None else None,
        prompt=check_prompt("prompt", prompt), negative_prompt=check_prompt("negative_prompt", negative_prompt),
        cfg_scale=cfg_for(model, cfg_scale), mode=mode, duration=duration, camera_control=camera(camera_control))
    kling = ctx.provider(KlingClient)
    task = await kling.create("image2video", request)
    ctx.text(f"Kling task {task.task_id} submitted")
    finished = await kling.wait(ctx, "image2video", task.task_id)
    return await video_result(ctx, kling, finished)  # type: ignore[return-value]
