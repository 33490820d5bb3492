"""GeminiImage2Node ("Nano Banana Pro"): generate or edit images with a Gemini 3 image
model: prompt, optional reference images and input files, aspect ratio and 1K/2K/4K
size; returns the images and the model's text."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import GeminiClient
from ..models import GenerationConfig
from . import TABLE
from .pricing import IMAGE
from .generate import file_parts, generate, image_config, image_parts, images_and_text, modalities


@comfy_node(TABLE["GeminiImage2Node"], provider=GeminiClient, price=IMAGE)
async def gemini_image2_node(ctx: NodeContext, *, prompt: str, model: str, seed: int, aspect_ratio: str,
                             resolution: str, response_modalities: str, images: Any = None, files: Any = None,
                             system_prompt: str = "") -> tuple[Any, str]:
    """Generate or edit images with Gemini 3 Pro Image or Nano Banana 2 on your own key."""
    config = GenerationConfig(response_modalities=modalities(response_modalities),
                              image_config=image_config(aspect_ratio, resolution))
    answer = await generate(ctx, model, prompt, [*image_parts([images]), *file_parts(files)],
                            system_prompt=system_prompt, config=config)
    return await images_and_text(ctx, answer)  # type: ignore[return-value]
