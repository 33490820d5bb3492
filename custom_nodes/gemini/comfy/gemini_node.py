"""GeminiNode: a text answer from a Gemini model about a prompt and optional images,
audio, video and input files."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import GeminiClient
from . import TABLE
from .pricing import TEXT
from .generate import file_parts, generate, image_parts, media_parts

EMPTY_ANSWER = "Empty response from Gemini model..."


@comfy_node(TABLE["GeminiNode"], provider=GeminiClient, price=TEXT)
async def gemini_node(ctx: NodeContext, *, prompt: str, model: str, seed: int, images: Any = None,
                      audio: Any = None, video: Any = None, files: Any = None, system_prompt: str = "") -> str:
    """Ask a Gemini model about text, images, audio, video and files on your own key."""
    parts = [*image_parts([images]), *media_parts(audio=[a for a in (audio,) if a is not None],
                                                  video=[v for v in (video,) if v is not None]),
             *file_parts(files)]
    answer = await generate(ctx, model, prompt, parts, system_prompt=system_prompt, require_prompt=False)
    return answer.text() or EMPTY_ANSWER
