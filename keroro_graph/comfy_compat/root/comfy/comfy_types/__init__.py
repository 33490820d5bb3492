"""``comfy.comfy_types``: the IO type names and typing helpers V1 nodes annotate with."""
from .node_typing import IO, ComfyNodeABC, CheckLazyMixin, FileLocator, InputTypeDict, InputTypeOptions

__all__ = ["IO", "ComfyNodeABC", "CheckLazyMixin", "FileLocator", "InputTypeDict", "InputTypeOptions"]
