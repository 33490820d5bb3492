"""What ComfyUI's OpenAI image nodes share: the custom size rules of gpt-image-2,
input frames and an inpainting mask as the PNG files ``/images/edits`` takes
(frames shrunk to about 2048×2048 pixels; the mask as RGBA whose alpha is 0 where the
image may change), and the call itself: ``/images/edits`` with input images,
``/images/generations`` without."""
from __future__ import annotations

from typing import Any

import numpy as np

from keroro_graph.api import BadRequestError, NodeContext, provider_media

from ..client import CustomOpenAIClient

PROVIDER = CustomOpenAIClient.provider
MAX_PIXELS = 2048 * 2048


def refuse(message: str) -> BadRequestError:
    return BadRequestError(message, provider=PROVIDER)


def custom_size(width: int, height: int) -> str:
    """gpt-image-2's "Custom" size, checked against OpenAI's rules."""
    if width % 16 or height % 16:
        raise refuse(f"custom_width/custom_height: {width}x{height}; both must be multiples of 16")
    if max(width, height) / min(width, height) > 3:
        raise refuse(f"custom_width/custom_height: {width}x{height}; the aspect ratio may not exceed 3:1")
    if not 655_360 <= width * height <= 8_294_400:
        raise refuse(f"custom_width/custom_height: {width}x{height} is {width * height:,} pixels; "
                     "allowed are 655,360 to 8,294,400")
    return f"{width}x{height}"


def frames(images: list[Any]) -> list[bytes]:
    """Every frame of every IMAGE as PNG, in order."""
    out = []
    for batch in images:
        if batch is None:
            continue
        count = int(batch.shape[0]) if batch.ndim == 4 else 1
        out += [provider_media.image_bytes(batch, index=i, max_pixels=MAX_PIXELS) for i in range(count)]
    return out


def mask_png(mask: np.ndarray, size: tuple[int, int]) -> bytes:
    """A MASK (1 = change here) as OpenAI's RGBA mask (alpha 0 = change here)."""
    plane = mask[0] if mask.ndim == 3 else mask
    if (plane.shape[1], plane.shape[0]) != size:
        raise refuse(f"mask: it is {plane.shape[1]}x{plane.shape[0]} px but the image is {size[0]}x{size[1]}")
    rgba = np.zeros((1, *plane.shape, 4), np.float32)
    rgba[0, :, :, 3] = 1.0 - plane
    return provider_media.image_bytes(rgba, max_pixels=MAX_PIXELS)


async def generate(ctx: NodeContext, model: str, prompt: str, *, images: list[Any] = (),  # type: ignore[assignment]
                   mask: Any = None, **fields: Any) -> np.ndarray:
    """Images from ``/images/generations``, or ``/images/edits`` when there are input
    images, as one IMAGE batch."""
    if not (prompt or "").strip():
        raise refuse("prompt: a prompt is required")
    pngs = frames(list(images))
    if mask is not None and len(pngs) != 1:
        raise refuse("mask: a mask needs exactly one input image" if pngs else "mask: a mask needs an input image")
    client = ctx.provider(CustomOpenAIClient)
    ctx.text(f"Generating with {model}…")
    if pngs:
        field = "image" if len(pngs) == 1 else "image[]"
        files = [(field, png) for png in pngs]
        if mask is not None:
            first = images[0]
            files.append(("mask", mask_png(np.asarray(mask), (first.shape[-2], first.shape[-3]))))
        blobs = await client.edit_images(model, prompt, files, **fields)
    else:
        blobs = await client.images(model, prompt, **fields)
    return provider_media.images_to_batch(blobs)
