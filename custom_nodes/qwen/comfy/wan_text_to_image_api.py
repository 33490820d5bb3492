"""WanTextToImageApi: one Wan 2.5 image from a prompt."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, image_task, required


@comfy_node(TABLE["WanTextToImageApi"], provider=DashScopeClient)
async def wan_text_to_image_api(ctx: NodeContext, *, model: str, prompt: str, negative_prompt: str = "",
                                width: int = 1024, height: int = 1024, seed: int = 0, prompt_extend: bool = True,
                                watermark: bool = False) -> Any:
    """Generate an image with Wan on your own DashScope key."""
    return await image_task(ctx, body(model, {"prompt": required("prompt", prompt),
                                              "negative_prompt": negative_prompt},
                                      {"size": f"{width}*{height}", "seed": seed, "prompt_extend": prompt_extend,
                                       "watermark": watermark}))
