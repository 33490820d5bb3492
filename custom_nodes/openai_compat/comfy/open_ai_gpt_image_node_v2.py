"""OpenAIGPTImageNodeV2 ("OpenAI GPT Image"): gpt-image-1, -1.5 or -2 images from a
prompt, or edits of up to 16 input images (with an optional mask), per ComfyUI's
per-model options."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import CustomOpenAIClient
from . import TABLE
from .images import custom_size, generate


@comfy_node(TABLE["OpenAIGPTImageNodeV2"], provider=CustomOpenAIClient)
async def open_ai_gpt_image_node_v2(ctx: NodeContext, *, prompt: str, model: dict[str, Any], n: int,
                                    seed: int) -> Any:
    """Generate or edit images with OpenAI's GPT Image models on your own key."""
    size = model["size"]
    if size == "Custom":
        size = custom_size(model.get("custom_width", 1024), model.get("custom_height", 1024))
    images = list((model.get("images") or {}).values())
    return await generate(ctx, model["model"], prompt, images=images, mask=model.get("mask"), n=n, size=size,
                          quality=model["quality"], background=model["background"], moderation="low")
