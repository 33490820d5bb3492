"""The OpenAI-compatible nodes, one per file: chat (optionally streamed, with
images) and image generation."""
from . import open_ai_chat, open_ai_image

__all__ = ["open_ai_chat", "open_ai_image"]
