"""Qwen via Alibaba DashScope (Model Studio / 百炼): QwenVision asks Qwen-VL about
images through the OpenAI-compatible mode, QwenTextToImage draws with qwen-image and
Wan through the native async API. ``client.py`` holds the wire protocol
(specs/providers.md §5), ``models.py`` its wire types, ``choices.py`` the models,
sizes and regions the nodes offer. Credentials: the "dashscope" API key."""
from . import comfy, nodes

__all__ = ["comfy", "nodes"]
