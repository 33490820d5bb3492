"""GeminiNanoBanana2V2: Nano Banana 2 with ComfyUI's per-model options (aspect ratio,
size, thinking level, up to 14 reference images, input files), temperature and
top_p; returns the images, the text and the model's thinking image."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import GeminiClient
from ..models import GenerationConfig
from . import TABLE
from .generate import file_parts, generate, image_config, image_parts, images_and_text, modalities


@comfy_node(TABLE["GeminiNanoBanana2V2"], provider=GeminiClient)
async def gemini_nano_banana2_v2(ctx: NodeContext, *, prompt: str, model: dict[str, Any], seed: int,
                                 response_modalities: str, system_prompt: str = "", temperature: float = 1.0,
                                 top_p: float = 0.95) -> tuple[Any, str, Any]:
    """Generate or edit images with Nano Banana 2 on your own key."""
    config = GenerationConfig(response_modalities=modalities(response_modalities),
                              image_config=image_config(model["aspect_ratio"], model["resolution"]),
                              thinking_config={"thinkingLevel": model["thinking_level"]},
                              temperature=temperature, top_p=top_p)
    images = list((model.get("images") or {}).values())
    parts = [*image_parts(images), *file_parts(model.get("files"))]
    answer = await generate(ctx, model["model"], prompt, parts, system_prompt=system_prompt, config=config)
    return await images_and_text(ctx, answer, thoughts=True)  # type: ignore[return-value]
