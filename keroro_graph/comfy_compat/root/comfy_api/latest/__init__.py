"""``comfy_api.latest``: ``io`` (V3 schema), ``ui``, ``ComfyExtension`` and
``ComfyAPI`` / ``ComfyAPISync`` (progress of the running node)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from keroro_graph.api import current_context

from . import _io as io
from . import _ui as ui


class ComfyExtension(ABC):
    async def on_load(self) -> None:
        """Called once when the extension loads."""

    @abstractmethod
    async def get_node_list(self) -> list[type[io.ComfyNode]]:
        """The V3 node classes this extension provides."""


def _progress(value: float, max_value: float, preview_image: Any = None) -> None:
    ctx = current_context.get()
    if ctx is None:
        raise ValueError("node_id must be provided if not in executing context")
    if preview_image is not None:
        from PIL import Image
        image = preview_image
        if not isinstance(image, Image.Image):
            frames = ui._frames(image)
            import numpy as np
            image = Image.fromarray(np.clip(frames[0] * 255, 0, 255).astype(np.uint8))
        ctx.preview(image)
    ctx.progress(float(value), float(max_value))


class ComfyAPI_latest:  # noqa: N801
    VERSION = "latest"
    STABLE = False

    class Execution:
        async def set_progress(self, value: float, max_value: float, node_id: str | None = None,
                               preview_image: Any = None, ignore_size_limit: bool = False) -> None:
            _progress(value, max_value, preview_image)

    def __init__(self) -> None:
        self.execution = self.Execution()


class ComfyAPISync_latest:  # noqa: N801
    VERSION = "latest"

    class Execution:
        def set_progress(self, value: float, max_value: float, node_id: str | None = None,
                         preview_image: Any = None, ignore_size_limit: bool = False) -> None:
            _progress(value, max_value, preview_image)

    def __init__(self) -> None:
        self.execution = self.Execution()


class Input:
    Image = Any
    Audio = dict
    Mask = Any
    Latent = dict
    Video = Any


class InputImpl:
    pass


class Types:
    pass


ComfyAPI = ComfyAPI_latest
ComfyAPISync = ComfyAPISync_latest
comfy_io = io

__all__ = ["ComfyAPI", "ComfyAPISync", "ComfyExtension", "Input", "InputImpl", "Types", "comfy_io", "io", "ui"]
