"""OpenAIDalle2: DALL·E 2 images from a prompt, or an edit of the input image
(optionally masked)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import CustomOpenAIClient
from . import TABLE
from .images import generate


@comfy_node(TABLE["OpenAIDalle2"], provider=CustomOpenAIClient)
async def open_ai_dalle2(ctx: NodeContext, *, prompt: str, seed: int = 0, size: str = "1024x1024", n: int = 1,
                         image: Any = None, mask: Any = None) -> Any:
    """Generate or edit images with DALL·E 2 on your own key."""
    return await generate(ctx, "dall-e-2", prompt, images=[image], mask=mask, n=n, size=size,
                          response_format="b64_json")
