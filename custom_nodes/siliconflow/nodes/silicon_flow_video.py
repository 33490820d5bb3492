"""SiliconFlowVideo: a short video from a prompt (T2V models) or from a start frame
and a prompt (I2V models), through SiliconFlow's async task API: ``POST
/video/submit``, then ``POST /video/status`` until it succeeds (typically a few
minutes), with the queue position shown on the node. The result URL may expire
within minutes, so the video is downloaded at once into ``output/siliconflow/``."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

from keroro_graph.api import (IMAGE, Combo, Input, Int, NodeContext, Output, PollPlan, Price, Result, Text, VIDEO, node,
                              poll, provider_media)

from ..client import SiliconFlowClient
from ..inputs import check_prompt, data_url, frames, is_i2v_model
from ..models import MAX_SEED, VIDEO_MODELS, VIDEO_SIZES, VideoRequest

PROVIDER = "siliconflow"
#: Wan 2.2 takes a few minutes; polls back off from 5 s to 15 s.
POLL_PLAN = PollPlan(interval_s=5.0, max_interval_s=15.0, backoff=1.3, timeout_s=1800.0, estimate_s=240.0)


@node("SiliconFlowVideo", category="provider/siliconflow", provider=SiliconFlowClient,
      display_name="SiliconFlow Video",
      price=Price("siliconflow", key=("model",)))
async def silicon_flow_video(
    ctx: NodeContext,
    model: Annotated[str, Combo(options=list(VIDEO_MODELS), default=VIDEO_MODELS[0],
                                tooltip="T2V: text to video. I2V: animates the start frame (required).")],
    prompt: Annotated[str, Text(multiline=True, default="", tooltip="The scene and how it moves.")],
    negative_prompt: Annotated[str, Text(multiline=True, default="", tooltip="What to avoid.")],
    image_size: Annotated[str, Combo(options=list(VIDEO_SIZES), default="1280x720",
                                     tooltip="Width x height of the video.")],
    seed: Annotated[int, Int(default=0, min=0, max=MAX_SEED)],
    image: Annotated[Optional[IMAGE], Input(tooltip="The start frame, for I2V models (first frame of the batch).")
                     ] = None,
) -> tuple[Annotated[VIDEO, Output(name="video")], Annotated[str, Output(name="request_id")]]:
    """Make a video from a prompt (and a start frame for I2V models) with SiliconFlow."""
    request = VideoRequest(model=model, prompt=check_prompt("prompt", prompt, required=True),
                           negative_prompt=check_prompt("negative_prompt", negative_prompt, required=False) or None,
                           image_size=image_size, seed=seed, image=_start_frame(model, image))
    client = ctx.provider(SiliconFlowClient)
    request_id = await client.submit_video(request)
    ctx.text(f"SiliconFlow task {request_id} submitted")
    finished = await poll(ctx, lambda: client.video_status(request_id), plan=POLL_PLAN,
                          label="SiliconFlow video")
    data = await client.fetch(finished.result, accept=("video/", "application/octet-stream"))
    path = provider_media.save_result(ctx, data, provider=PROVIDER, ext="mp4")
    shown = {"filename": path.name, "subfolder": _subfolder(ctx, path), "type": "output"}
    return Result(provider_media.video_ref(path), request_id, ui={"videos": [shown]})  # type: ignore[return-value]


def _start_frame(model: str, image: object) -> str | None:
    has_image = frames(image, "image", most=64) > 0  # type: ignore[arg-type]
    if is_i2v_model(model) and not has_image:
        raise ValueError(f"image: {model} animates a start frame; connect one")
    if has_image and not is_i2v_model(model):
        raise ValueError(f"image: {model} is text-to-video and takes no start frame; "
                         f"pick an I2V model or disconnect the image")
    return data_url(image, fmt="JPEG") if has_image else None  # type: ignore[arg-type]


def _subfolder(ctx: NodeContext, path: Path) -> str:
    return path.parent.relative_to(Path(ctx.paths.output)).as_posix()
