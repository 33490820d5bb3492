"""Wan2ReferenceVideoApi: a Wan 2.7 video guided by reference videos (sent through
DashScope's temporary storage) and reference images."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, image_url, refuse, required, video_task, video_url


@comfy_node(TABLE["Wan2ReferenceVideoApi"], provider=DashScopeClient)
async def wan2_reference_video_api(ctx: NodeContext, *, model: dict[str, Any], seed: int, watermark: bool) -> Video:
    """Generate a video from reference images with Wan 2.7 on your own DashScope key."""
    media = [{"type": "reference_video", "url": await video_url(ctx, model["model"], clip,
                                                                 f"model.reference_videos.{name}")}
             for name, clip in (model.get("reference_videos") or {}).items()]
    media += [{"type": "reference_image", "url": image_url(img, f"model.reference_images.{name}")}
              for name, img in (model.get("reference_images") or {}).items()]
    if not media:
        raise refuse("model.reference_images: connect at least one reference video or image")
    return await video_task(ctx, body(model["model"], {"prompt": required("model.prompt", model["prompt"]),
                                                       "negative_prompt": model["negative_prompt"], "media": media},
                                      {"resolution": model["resolution"], "ratio": model["ratio"],
                                       "duration": model["duration"], "watermark": watermark, "seed": seed}))
