"""The ModelScope nodes, one per file, named for their class types."""
from . import model_scope_chat, model_scope_image

__all__ = ["model_scope_chat", "model_scope_image"]
