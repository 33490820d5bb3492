"""What the ModelScope nodes offer and what they refuse before calling: model ids,
sizes per model family (§7.2), the ranges of seed, steps and guidance, and which
models edit an image. ``provider.py`` declares the image model list to
Settings; it declares no chat list, so the chat models are chosen here. Pure
data and pure functions."""
from __future__ import annotations

import re

IMAGE_MODELS = ("Qwen/Qwen-Image", "Qwen/Qwen-Image-Edit-2511", "Tongyi-MAI/Z-Image-Turbo",
                "black-forest-labs/FLUX.1-Krea-dev", "MAILAND/majicflus_v1")
CHAT_MODELS = ("Qwen/Qwen2.5-VL-72B-Instruct", "Qwen/Qwen3-235B-A22B-Instruct-2507",
               "Qwen/Qwen3-Coder-480B-A35B-Instruct", "deepseek-ai/DeepSeek-V3.1")

PROMPT_MAX_CHARS = 1999  # "< 2000 chars"
SEED_MAX = 2**31 - 1
_SIZE = re.compile(r"^\s*(\d{1,5})\s*[x*×X]\s*(\d{1,5})\s*$")
_MODEL_ID = re.compile(r"^[\w.\-]+/[\w.\-]+$")


def chosen_model(model: str, custom_model: str) -> str:
    """``custom_model`` when set (any ModelScope id), else the listed ``model``."""
    return custom_model.strip() or model


def is_edit_model(model: str) -> bool:
    return "edit" in model.lower()


def max_side(model: str) -> int:
    """Largest side a model family draws: Qwen-Image 1664, FLUX 1024, SD-style 2048."""
    name = model.lower()
    if "qwen-image" in name:
        return 1664
    if "flux" in name:
        return 1024
    return 2048


def normalise_size(size: str, model: str) -> str | None:
    """``"1024x1024"`` or ``"1024*1024"`` → ``"1024x1024"``; blank → None (the model's
    default). Raises ValueError naming ``size`` when out of the family's range."""
    if not size.strip():
        return None
    match = _SIZE.match(size)
    if match is None:
        raise ValueError(f"size: {size!r} is not WIDTHxHEIGHT (for example 1024x1024)")
    width, height, top = int(match.group(1)), int(match.group(2)), max_side(model)
    if not (64 <= width <= top and 64 <= height <= top):
        raise ValueError(f"size: {model} draws from 64x64 to {top}x{top}; got {width}x{height}")
    return f"{width}x{height}"


def check_image(*, model: str | None, custom_model: str | None, size: str | None,
                guidance: float | None) -> str | None:
    """The first problem as a message naming the input, or None. ``None`` values are
    linked inputs not known before the run and are skipped."""
    if custom_model and not _MODEL_ID.match(custom_model.strip()):
        return f"custom_model: {custom_model!r} is not a ModelScope id such as Qwen/Qwen-Image"
    if model is not None and not custom_model and not _MODEL_ID.match(model):
        return f"model: {model!r} is not a ModelScope id such as Qwen/Qwen-Image"
    if guidance is not None and guidance != 0 and not 1.5 <= guidance <= 20:
        return f"guidance: {guidance} is outside 1.5–20 (0 = the model's default)"
    if size is not None:
        try:
            normalise_size(size, chosen_model(model or "", custom_model or ""))
        except ValueError as exc:
            return str(exc)
    return None
