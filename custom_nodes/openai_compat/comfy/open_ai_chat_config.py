"""OpenAIChatConfig: advanced options for OpenAIChatNode (instructions, an output
token limit, truncation)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import comfy_node

from . import TABLE


@comfy_node(TABLE["OpenAIChatConfig"])
def open_ai_chat_config(*, truncation: str, max_output_tokens: int | None = None,
                        instructions: str | None = None) -> dict[str, Any]:
    """Options for an OpenAI chat: system instructions and the longest answer."""
    return {"truncation": truncation, "max_output_tokens": max_output_tokens, "instructions": instructions or None}
