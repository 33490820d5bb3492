"""GeminiNanoBanana2: Nano Banana 2 (Gemini 3.1 Flash Image) with a thinking level;
returns the images, the text and the model's thinking image."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import GeminiClient
from ..models import GenerationConfig
from . import TABLE
from .pricing import IMAGE
from .generate import file_parts, generate, image_config, image_parts, images_and_text, modalities


@comfy_node(TABLE["GeminiNanoBanana2"], provider=GeminiClient, price=IMAGE)
async def gemini_nano_banana2(ctx: NodeContext, *, prompt: str, model: str, seed: int, aspect_ratio: str,
                              resolution: str, response_modalities: str, thinking_level: str, images: Any = None,
                              files: Any = None, system_prompt: str = "") -> tuple[Any, str, Any]:
    """Generate or edit images with Nano Banana 2 on your own key."""
    config = GenerationConfig(response_modalities=modalities(response_modalities),
                              image_config=image_config(aspect_ratio, resolution),
                              thinking_config={"thinkingLevel": thinking_level})
    answer = await generate(ctx, model, prompt, [*image_parts([images]), *file_parts(files)],
                            system_prompt=system_prompt, config=config)
    return await images_and_text(ctx, answer, thoughts=True)  # type: ignore[return-value]
