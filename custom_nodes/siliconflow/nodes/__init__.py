"""SiliconFlow's nodes, one per file: chat (with reasoning), image generation and
editing, and video generation."""
from . import silicon_flow_chat, silicon_flow_image, silicon_flow_video

__all__ = ["silicon_flow_chat", "silicon_flow_image", "silicon_flow_video"]
