"""GeminiNodeV2: a text answer from a Gemini 3.x model, with ComfyUI's per-model
options (thinking level, sampling, output length) and any number of images, audio
clips and videos."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import GeminiClient
from ..models import GenerationConfig
from . import TABLE
from .gemini_node import EMPTY_ANSWER
from .generate import file_parts, generate, image_parts, media_parts


@comfy_node(TABLE["GeminiNodeV2"], provider=GeminiClient)
async def gemini_node_v2(ctx: NodeContext, *, prompt: str, model: dict[str, Any], seed: int,
                         system_prompt: str = "") -> str:
    """Ask a Gemini 3.x model about text, images, audio, video and files on your own key."""
    config = GenerationConfig(temperature=model.get("temperature"), top_p=model.get("top_p"),
                              max_output_tokens=model.get("max_output_tokens"),
                              thinking_config={"thinkingLevel": model["thinking_level"]}
                              if model.get("thinking_level") else None)
    parts = [*image_parts(list((model.get("images") or {}).values())),
             *media_parts(audio=list((model.get("audio") or {}).values()),
                          video=list((model.get("video") or {}).values())),
             *file_parts(model.get("files"))]
    answer = await generate(ctx, model["model"], prompt, parts, system_prompt=system_prompt, config=config)
    return answer.text() or EMPTY_ANSWER
