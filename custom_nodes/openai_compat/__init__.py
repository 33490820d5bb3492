"""OpenAI-compatible relays pack: chat and image generation through OhMyGPT,
CherryIN, or any other OpenAI-compatible endpoint the user sets up as provider
"openai_custom" (specs/providers.md §1, §9, §10). Each node has an ``endpoint`` input
choosing the relay. ``client.py`` speaks the protocol (on the SDK's
``OpenAICompatClient``), ``models.py`` holds the wire types and built-in model ids,
``inputs.py`` checks inputs before anything is sent, and ``nodes/`` holds one node
per file."""
from . import comfy, nodes

__all__ = ["comfy", "nodes"]
