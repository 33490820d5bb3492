"""SiliconFlow (硅基流动) provider pack: chat (DeepSeek, Qwen...; reasoning returned
separately), image generation and editing, and async video generation (specs/providers.md
§6), authenticated with the API key set in Settings → Providers. ``client.py``
speaks the protocol, including SiliconFlow's own error bodies, ``models.py`` holds the
wire types and option lists, ``inputs.py`` checks inputs before anything is sent, and
``nodes/`` holds one node per file."""
from . import nodes

__all__ = ["nodes"]
