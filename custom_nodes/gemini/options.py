"""The Gemini pack's vocabulary: model lists (which ``provider.py`` declares to Settings), aspect
ratios and image sizes (spec §3.3 and §4.3), which models take which of them, and
the checks that turn an impossible combination into an error naming the input before
any request is made. No HTTP and no node code here."""
from __future__ import annotations

import re

from keroro_graph.api import BadRequestError

#: The node combos; ``provider.py`` declares the same lists to Settings.
VISION_MODELS: tuple[str, ...] = ("gemini-2.5-flash", "gemini-2.5-flash-lite")
IMAGE_MODELS: tuple[str, ...] = ("gemini-2.5-flash-image", "gemini-2.5-flash-image-preview",
                                 "gemini-3-pro-image-preview", "gemini-3.1-flash-image-preview",
                                 "gemini-2.0-flash-preview-image-generation")
RELAY_IMAGE_MODELS: tuple[str, ...] = ("nano-banana", "nano-banana-hd", "nano-banana-2", "gemini-2.5-flash-image",
                                       "gemini-2.5-flash-image-preview", "gemini-3-pro-image-preview")
RELAYS: tuple[str, ...] = ("comfly", "t8star")

ASPECT_RATIOS: tuple[str, ...] = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
#: Only the 3.1 image model takes these (spec §3.3).
TALL_WIDE_RATIOS: tuple[str, ...] = ("1:4", "4:1", "1:8", "8:1")
ASPECT_CHOICES: list[str] = ["auto", *ASPECT_RATIOS, *TALL_WIDE_RATIOS]
SIZE_CHOICES: list[str] = ["auto", "1K", "2K", "4K"]

#: Relay model ids that take ``image_size`` (nano-banana-2 is the 3.x family).
_RELAY_SIZED = {"nano-banana-2", "gemini-3-pro-image-preview"}


def gemini_generation(model: str) -> float:
    """``gemini-3.1-flash-image-preview`` → 3.1; 0 when the name has no version."""
    found = re.match(r"(?:models/)?gemini-(\d+(?:\.\d+)?)", model)
    return float(found.group(1)) if found else 0.0


def takes_image_size(model: str) -> bool:
    """imageSize exists on the 3.x image models only."""
    return gemini_generation(model) >= 3 or model in _RELAY_SIZED


def check_aspect_ratio(model: str, aspect_ratio: str, *, provider: str) -> None:
    """Raise BadRequestError naming ``aspect_ratio`` when ``model`` cannot take it."""
    if aspect_ratio in TALL_WIDE_RATIOS and gemini_generation(model) < 3.1:
        raise BadRequestError(f"aspect_ratio {aspect_ratio} is only available on gemini-3.1 image models; "
                         f"{model} takes {', '.join(ASPECT_RATIOS)}", provider=provider)


def check_prompt(prompt: str, *, provider: str) -> str:
    """The prompt, stripped; BadRequestError when there is none."""
    text = (prompt or "").strip()
    if not text:
        raise BadRequestError("prompt must not be empty", provider=provider)
    return text
