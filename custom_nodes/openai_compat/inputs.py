"""Checks on the nodes' inputs before anything is sent, each error naming the input
it is about, and the conversions from node values to request fields: IMAGE frames to
data URLs for chat, and the image options each known model accepts. Models this
module does not know pass through unchecked, since relays add new ones all the time."""
from __future__ import annotations

from typing import Any

import numpy as np

from keroro_graph.api import provider_media, user_message

#: Vision models downscale anyway; a smaller upload is faster and cheaper.
IMAGE_MAX_SIDE = 2048
#: More frames than this in one chat request is almost certainly a wiring mistake.
MAX_CHAT_IMAGES = 16
MAX_PROMPT_CHARS = 200_000

IMAGE_SIZES = ("1024x1024", "1536x1024", "1024x1536", "1792x1024", "1024x1792", "512x512", "256x256", "auto")
#: Documented sizes of the OpenAI image models that restrict them (§1.4).
_MODEL_SIZES = {
    "dall-e-3": {"1024x1024", "1792x1024", "1024x1792"},
    "dall-e-2": {"256x256", "512x512", "1024x1024"},
    "gpt-image-1": {"1024x1024", "1536x1024", "1024x1536", "auto"},
}


def check_prompt(name: str, text: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValueError(f"{name}: enter a prompt; it is empty")
    if len(text) > MAX_PROMPT_CHARS:
        raise ValueError(f"{name}: {len(text):,} characters is more than the {MAX_PROMPT_CHARS:,} allowed")
    return text


def image_data_urls(images: np.ndarray | None, name: str = "images") -> list[str]:
    """Every frame of an optional IMAGE batch as a JPEG data URL."""
    if images is None:
        return []
    array = np.asarray(images)
    if array.ndim != 4 or array.shape[0] == 0:
        raise ValueError(f"{name}: expected an IMAGE batch [batch, height, width, channels], "
                         f"got shape {tuple(array.shape)}")
    if array.shape[0] > MAX_CHAT_IMAGES:
        raise ValueError(f"{name}: {array.shape[0]} frames is more than the {MAX_CHAT_IMAGES} one request takes")
    return [provider_media.data_url(provider_media.image_bytes(array, fmt="JPEG", index=i, max_side=IMAGE_MAX_SIDE),
                                    "image/jpeg") for i in range(array.shape[0])]


def chat_messages(system_prompt: str, prompt: str, image_urls: list[str]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if system_prompt:
        messages.append({"role": "system", "content": system_prompt})
    messages.append(user_message(prompt, image_urls or None))
    return messages


def image_options(model: str, *, size: str, n: int, response_format: str) -> dict[str, Any]:
    """The ``/images/generations`` fields besides model and prompt, refusing
    combinations the known models reject."""
    allowed = _MODEL_SIZES.get(model)
    if allowed is not None and size not in allowed:
        raise ValueError(f"size: {model} takes {', '.join(sorted(allowed))}, not {size}")
    if model == "dall-e-3" and n != 1:
        raise ValueError("n: dall-e-3 makes one image per request; set n to 1")
    options: dict[str, Any] = {"n": n}
    if size != "auto" or allowed is not None:
        options["size"] = size
    # gpt-image models always answer in base64 and do not take response_format.
    if not model.startswith("gpt-image"):
        options["response_format"] = response_format
    return options
