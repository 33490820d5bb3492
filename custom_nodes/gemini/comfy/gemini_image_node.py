"""GeminiImageNode ("Nano Banana"): images from gemini-2.5-flash-image, with optional
reference images and input files; returns the images and the model's text."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import GeminiClient
from ..models import GenerationConfig
from . import TABLE
from .pricing import IMAGE_1K
from .generate import file_parts, generate, image_config, image_parts, images_and_text, modalities


@comfy_node(TABLE["GeminiImageNode"], provider=GeminiClient, price=IMAGE_1K)
async def gemini_image_node(ctx: NodeContext, *, prompt: str, model: str, seed: int, images: Any = None,
                            files: Any = None, aspect_ratio: str = "auto", response_modalities: str = "IMAGE+TEXT",
                            system_prompt: str = "") -> tuple[Any, str]:
    """Generate or edit images with Gemini 2.5 Flash Image on your own key."""
    config = GenerationConfig(response_modalities=modalities(response_modalities),
                              image_config=image_config(aspect_ratio, None))
    answer = await generate(ctx, model, prompt, [*image_parts([images]), *file_parts(files)],
                            system_prompt=system_prompt, config=config)
    return await images_and_text(ctx, answer)  # type: ignore[return-value]
