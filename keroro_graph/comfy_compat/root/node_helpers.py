"""ComfyUI's ``node_helpers``: conditioning helpers (plain data), opening images the
way LoadImage does, and the string-to-boolean rule."""
from __future__ import annotations

from typing import Any

from PIL import Image, ImageFile, UnidentifiedImageError


def conditioning_set_values(conditioning: list[Any], values: dict[str, Any] | None = None,
                            append: bool = False) -> list[Any]:
    out = []
    for item in conditioning:
        extra = dict(item[1])
        for key, value in (values or {}).items():
            if append and key in extra:
                extra[key] = extra[key] + value
            else:
                extra[key] = value
        out.append([item[0], extra])
    return out


def pillow(fn: Any, arg: Any) -> Any:
    """Call ``fn(arg)``, retrying once with truncated images allowed (ComfyUI's rule)."""
    prev = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        return fn(arg)
    except (OSError, UnidentifiedImageError, ValueError):
        ImageFile.LOAD_TRUNCATED_IMAGES = True
        try:
            return fn(arg)
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = prev


def hasher() -> Any:
    import hashlib
    return hashlib.sha256


def string_to_torch_dtype(string: str) -> Any:
    import torch
    return {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}.get(string)


def image_alpha_fix(destination: Any, source: Any) -> tuple[Any, Any]:
    if destination.shape[-1] < source.shape[-1]:
        source = source[..., : destination.shape[-1]]
    elif destination.shape[-1] > source.shape[-1]:
        import torch
        destination = torch.nn.functional.pad(destination, (0, 1))
        destination[..., -1] = 1.0
    return destination, source


__all__ = ["Image", "conditioning_set_values", "hasher", "image_alpha_fix", "pillow", "string_to_torch_dtype"]
