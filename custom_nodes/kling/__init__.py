"""Kling (可灵) provider pack: text-to-video, image-to-video and image generation
through Kling's task API (spec §2), authenticated with a JWT signed from the access
and secret keys set in Settings → Providers. ``client.py`` speaks the protocol,
``models.py`` holds its wire types, ``inputs.py`` checks Kling's input rules before
anything is sent, ``outputs.py`` turns finished tasks into VIDEO and IMAGE values,
and ``nodes/`` holds one node per file."""
from . import comfy, nodes

__all__ = ["comfy", "nodes"]
