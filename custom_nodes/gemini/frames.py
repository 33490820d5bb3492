"""Input images for Gemini requests: every frame of an IMAGE batch as one PNG, shrunk
just enough that all of them, base64-encoded, fit in a request under Gemini's 20 MB
inline limit (spec §3.3; the relays forward to the same models, so they get the same
budget). Knows nothing about the wire format around the bytes."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import BadRequestError, provider_media

#: Gemini refuses a whole request over 20 MB (official).
REQUEST_LIMIT_BYTES = 20 * 1024 * 1024
#: Room left for the prompt, the JSON around the parts and multipart boundaries.
_HEADROOM_BYTES = 512 * 1024
#: Below this side length a frame says nothing useful to the model.
_MIN_SIDE = 64


def raw_budget(limit_bytes: int = REQUEST_LIMIT_BYTES) -> int:
    """Bytes of image data that fit in a request of ``limit_bytes`` once base64 grows
    them by 4/3."""
    return max(0, (limit_bytes - _HEADROOM_BYTES) * 3 // 4)


def frames_as_png(images: Any, *, provider: str, budget_bytes: int | None = None,
                  name: str = "images") -> list[bytes]:
    """Each frame of ``images`` (an IMAGE batch, or None) as PNG bytes; frames are
    downscaled (aspect kept) until each fits its share of ``budget_bytes``. Raises
    BadRequestError naming ``name`` when even small frames do not fit."""
    if images is None:
        return []
    count = int(images.shape[0]) if getattr(images, "ndim", 0) == 4 else 1
    if count == 0:
        return []
    share = (raw_budget() if budget_bytes is None else budget_bytes) // count
    return [_fit(images, index, share, name, provider) for index in range(count)]


def _fit(images: Any, index: int, share: int, name: str, provider: str) -> bytes:
    height, width = images.shape[-3], images.shape[-2]
    side = max(height, width)
    data = provider_media.image_bytes(images, index=index)
    while len(data) > share and side > _MIN_SIDE:
        # PNG size follows the pixel count, so scale the side by the square root of
        # the overshoot (a little more, so one or two passes usually suffice).
        side = max(_MIN_SIDE, int(side * min(0.9, (share / len(data)) ** 0.5 * 0.95)))
        data = provider_media.image_bytes(images, index=index, max_side=side)
    if len(data) > share:
        raise BadRequestError(f"{name}: {images.shape[0]} frames are too many to send inline "
                              f"(each must fit in {share:,} bytes); pass fewer frames", provider=provider)
    return data
