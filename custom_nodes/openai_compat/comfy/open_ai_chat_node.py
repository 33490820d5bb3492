"""OpenAIChatNode ("OpenAI ChatGPT"): a text answer about a prompt and optional
images. It is sent as a chat completion, which every OpenAI-compatible endpoint
serves (ComfyUI uses OpenAI's Responses API, which relays mostly lack); the config's
instructions become the system message, max_output_tokens the token limit, and
OpenAIInputFiles' documents ``file`` parts."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node, provider_media, user_message

from ..client import CustomOpenAIClient
from . import TABLE
from .images import frames, refuse


@comfy_node(TABLE["OpenAIChatNode"], provider=CustomOpenAIClient)
async def open_ai_chat_node(ctx: NodeContext, *, prompt: str, persist_context: bool, model: str,
                            images: Any = None, files: Any = None, advanced_options: Any = None) -> str:
    """Ask an OpenAI model about text and images on your own key."""
    if not (prompt or "").strip():
        raise refuse("prompt: a prompt is required")
    config = advanced_options or {}
    messages = []
    if config.get("instructions"):
        messages.append({"role": "system", "content": config["instructions"]})
    urls = [provider_media.data_url(png) for png in frames([images])]
    turn = user_message(prompt, urls or None)
    if files:  # chat completions' file parts (data URLs), after the text and images
        turn["content"] = [*(turn["content"] if isinstance(turn["content"], list)
                             else [{"type": "text", "text": prompt}]), *files]
    messages.append(turn)
    options = {"max_tokens": config["max_output_tokens"]} if config.get("max_output_tokens") else {}
    client = ctx.provider(CustomOpenAIClient)
    ctx.text(f"Asking {model}…")
    result = await client.complete(model, messages, **options)
    return result.text or "No text output found in response"
