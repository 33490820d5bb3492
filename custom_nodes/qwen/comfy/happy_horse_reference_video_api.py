"""HappyHorseReferenceVideoApi: a HappyHorse video guided by reference images of its
characters."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, image_url, refuse, required, video_task


@comfy_node(TABLE["HappyHorseReferenceVideoApi"], provider=DashScopeClient)
async def happy_horse_reference_video_api(ctx: NodeContext, *, model: dict[str, Any], seed: int,
                                          watermark: bool) -> Video:
    """Generate a video from reference images with HappyHorse on your own DashScope key."""
    refs = model.get("reference_images") or {}
    media = [{"type": "reference_image", "url": image_url(img, f"model.reference_images.{name}", min_side=400)}
             for name, img in refs.items()]
    if not media:
        raise refuse("model.reference_images: connect at least one reference image")
    return await video_task(ctx, body(model["model"], {"prompt": required("model.prompt", model["prompt"]),
                                                       "media": media},
                                      {"resolution": model["resolution"], "ratio": model["ratio"],
                                       "duration": model["duration"], "watermark": watermark, "seed": seed}))
