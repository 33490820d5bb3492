"""Checks on SiliconFlow inputs before anything is sent, each error naming the input
it is about, and the conversions from node values to request fields (IMAGE frames to
data URLs, which every SiliconFlow endpoint that takes images accepts)."""
from __future__ import annotations

from typing import Any

import numpy as np

from keroro_graph.api import provider_media, user_message

#: Larger inputs only slow the upload; the models work below this.
IMAGE_MAX_SIDE = 2048
MAX_CHAT_IMAGES = 16
MAX_PROMPT_CHARS = 100_000


def check_prompt(name: str, text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValueError(f"{name}: enter a prompt; it is empty")
    if len(text) > MAX_PROMPT_CHARS:
        raise ValueError(f"{name}: {len(text):,} characters is more than the {MAX_PROMPT_CHARS:,} allowed")
    return text


def frames(images: np.ndarray | None, name: str, *, most: int) -> int:
    """How many frames an optional IMAGE batch holds; ValueError naming the input
    when it is not an IMAGE batch or holds more than ``most``."""
    if images is None:
        return 0
    array = np.asarray(images)
    if array.ndim != 4 or array.shape[0] == 0:
        raise ValueError(f"{name}: expected an IMAGE batch [batch, height, width, channels], "
                         f"got shape {tuple(array.shape)}")
    if array.shape[0] > most:
        raise ValueError(f"{name}: {array.shape[0]} frames, but this takes at most {most}")
    return int(array.shape[0])


def data_url(images: np.ndarray, index: int = 0, *, fmt: str = "JPEG") -> str:
    data = provider_media.image_bytes(images, fmt=fmt, index=index, max_side=IMAGE_MAX_SIDE)
    return provider_media.data_url(data, f"image/{fmt.lower()}")


def chat_messages(system_prompt: str, prompt: str, images: np.ndarray | None) -> list[dict[str, Any]]:
    count = frames(images, "images", most=MAX_CHAT_IMAGES)
    urls = [data_url(images, i) for i in range(count)] if images is not None else []
    messages: list[dict[str, Any]] = [{"role": "system", "content": system_prompt}] if system_prompt else []
    messages.append(user_message(prompt, urls or None))
    return messages


def is_edit_model(model: str) -> bool:
    """Edit models (Qwen-Image-Edit...) transform an input image and need one."""
    return "edit" in model.lower()


def is_i2v_model(model: str) -> bool:
    """Image-to-video models animate a start frame and need one."""
    return "i2v" in model.lower()
