"""The video-edit nodes' shared request (Wan 2.7 and HappyHorse): the video (through
DashScope's temporary storage) and reference images as ``media``."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video

from .tasks import body, image_url, required, video_task, video_url


async def edit_video(ctx: NodeContext, model: dict[str, Any], video: Any, parameters: dict[str, Any]) -> Video:
    media = [{"type": "video", "url": await video_url(ctx, model["model"], video, "video")}]
    media += [{"type": "reference_image", "url": image_url(img, f"model.reference_images.{name}")}
              for name, img in (model.get("reference_images") or {}).items()]
    return await video_task(ctx, body(model["model"], {"prompt": required("model.prompt", model["prompt"]),
                                                       "media": media},
                                      {"resolution": model["resolution"], "ratio": model["ratio"], **parameters}))
