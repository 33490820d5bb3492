"""OpenAIGPTImage1 ("OpenAI GPT Image 1"): images from a prompt with a GPT Image
model, or an edit of the input image (optionally masked)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import CustomOpenAIClient
from . import TABLE
from .images import custom_size, generate


@comfy_node(TABLE["OpenAIGPTImage1"], provider=CustomOpenAIClient)
async def open_ai_gpt_image1(ctx: NodeContext, *, prompt: str, seed: int = 0, quality: str = "low",
                             background: str = "auto", size: str = "auto", n: int = 1, image: Any = None,
                             mask: Any = None, model: str = "gpt-image-2", custom_width: int = 1024,
                             custom_height: int = 1024) -> Any:
    """Generate or edit images with a GPT Image model on your own key."""
    if size == "Custom":
        size = custom_size(custom_width, custom_height)
    return await generate(ctx, model, prompt, images=[image], mask=mask, n=n, size=size, quality=quality,
                          background=background, moderation="low")
