"""Kling's nodes, one per file: text to video, image to video, image generation."""
from . import kling_image_generation, kling_image_to_video, kling_text_to_video

__all__ = ["kling_image_generation", "kling_image_to_video", "kling_text_to_video"]
