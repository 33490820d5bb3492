"""The Qwen nodes, one per file, named for their class types."""
from . import qwen_text_to_image, qwen_vision

__all__ = ["qwen_text_to_image", "qwen_vision"]
