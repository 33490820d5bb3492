"""``comfy_api.latest.ui``: what a V3 node shows on itself (images saved to temp,
masks, text), as the ``ui`` of its NodeOutput."""
from __future__ import annotations

import os
import random
import string
from typing import Any

import numpy as np

from keroro_graph.comfy_compat import state
from ._io import FolderType, _UIOutput


class SavedResult(dict[str, Any]):
    def __init__(self, filename: str, subfolder: str, type: FolderType | str) -> None:  # noqa: A002
        super().__init__(filename=filename, subfolder=subfolder,
                         type=type.value if isinstance(type, FolderType) else str(type))


class SavedImages(_UIOutput):
    def __init__(self, results: list[SavedResult], is_animated: bool = False) -> None:
        self.results, self.is_animated = list(results), is_animated

    def as_dict(self) -> dict[str, Any]:
        return {"images": self.results, "animated": (self.is_animated,)}


def _frames(image: Any) -> np.ndarray:
    if hasattr(image, "detach"):
        image = image.detach().cpu().numpy()
    array = np.asarray(image, dtype=np.float32)
    return array[None] if array.ndim == 3 else array


def save_to_temp(images: Any, prefix: str = "ComfyUI_temp") -> list[SavedResult]:
    from PIL import Image
    temp = state.paths().temp
    os.makedirs(temp, exist_ok=True)
    suffix = "".join(random.choice(string.ascii_lowercase) for _ in range(5))
    results = []
    for index, frame in enumerate(_frames(images)):
        pixels = np.clip(frame * 255.0, 0, 255).astype(np.uint8)
        if pixels.ndim == 3 and pixels.shape[-1] == 1:
            pixels = pixels[..., 0]
        name = f"{prefix}_{suffix}_{index:05}_.png"
        Image.fromarray(pixels).save(temp / name, compress_level=1)
        results.append(SavedResult(name, "", FolderType.temp))
    return results


class PreviewImage(_UIOutput):
    def __init__(self, image: Any, animated: bool = False, cls: Any = None, **_kw: Any) -> None:
        self.values, self.animated = save_to_temp(image), animated

    def as_dict(self) -> dict[str, Any]:
        return {"images": self.values, "animated": (self.animated,)}


class PreviewMask(PreviewImage):
    def __init__(self, mask: Any, animated: bool = False, cls: Any = None, **_kw: Any) -> None:
        frames = _frames(mask)
        if frames.ndim == 3:
            frames = np.repeat(frames[..., None], 3, axis=-1)
        super().__init__(frames, animated)


class PreviewText(_UIOutput):
    def __init__(self, value: str, **_kw: Any) -> None:
        self.value = value

    def as_dict(self) -> dict[str, Any]:
        return {"text": (self.value,)}


__all__ = ["PreviewImage", "PreviewMask", "PreviewText", "SavedImages", "SavedResult"]
