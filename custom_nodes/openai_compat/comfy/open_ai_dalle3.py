"""OpenAIDalle3: one DALL·E 3 image from a prompt."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import CustomOpenAIClient
from . import TABLE
from .images import generate


@comfy_node(TABLE["OpenAIDalle3"], provider=CustomOpenAIClient)
async def open_ai_dalle3(ctx: NodeContext, *, prompt: str, seed: int = 0, quality: str = "standard",
                         style: str = "natural", size: str = "1024x1024") -> Any:
    """Generate an image with DALL·E 3 on your own key."""
    return await generate(ctx, "dall-e-3", prompt, n=1, size=size, quality=quality, style=style,
                          response_format="b64_json")
