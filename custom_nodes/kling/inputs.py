"""Checks Kling's rules (spec §2.4–2.6) on node inputs before anything is sent, so a
mistake costs no request and the error names the input to fix; and turns IMAGE
frames into what Kling accepts: raw base64 JPEG (no ``data:`` prefix), at least
300 px per side, aspect ratio within 1:2.5..2.5:1, at most 10 MB."""
from __future__ import annotations

import numpy as np

from keroro_graph.api import BadRequestError, provider_media

from .models import CameraControl

MAX_PROMPT_CHARS = 2500
MIN_SIDE_PX = 300
MAX_ASPECT = 2.5
MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Uploads are shrunk to this longer side: far under 10 MB as JPEG, and more pixels
#: than Kling's 1080p output can use.
UPLOAD_MAX_SIDE_PX = 2048
#: The widget default; cfg_scale at this value on a v2 model means "not set".
DEFAULT_CFG_SCALE = 0.5


def refuse(message: str) -> BadRequestError:
    return BadRequestError(message, provider="kling")


def check_prompt(name: str, text: str, *, required: bool = False) -> str | None:
    """The trimmed text, or None when empty and optional."""
    text = (text or "").strip()
    if required and not text:
        raise refuse(f"{name}: a prompt is required")
    if len(text) > MAX_PROMPT_CHARS:
        raise refuse(f"{name}: {len(text)} characters; Kling accepts at most {MAX_PROMPT_CHARS}")
    return text or None


def supports_cfg_scale(model: str) -> bool:
    """Only the v1 family takes cfg_scale (spec: "not supported by v2.x models")."""
    return model.startswith("kling-v1")


def cfg_for(model: str, cfg_scale: float) -> float | None:
    """cfg_scale to send, or None. A v2+ model refuses a changed value rather than
    silently ignoring it; the untouched default is simply not sent, so the node works
    out of the box with the default (v2) model."""
    if supports_cfg_scale(model):
        return cfg_scale
    if abs(cfg_scale - DEFAULT_CFG_SCALE) > 1e-9:
        raise refuse(f"cfg_scale: {model} does not support cfg_scale (v2 and later models ignore it); "
                     f"leave it at {DEFAULT_CFG_SCALE} or pick a kling-v1 model")
    return None


def camera(preset: str) -> CameraControl | None:
    return None if preset in ("", "none") else CameraControl(type=preset)  # type: ignore[arg-type]


def kling_image(image: np.ndarray, name: str) -> str:
    """The first frame of ``image`` as raw base64 JPEG, or BadRequestError naming
    ``name`` when Kling would refuse its size or shape."""
    if not isinstance(image, np.ndarray) or image.ndim not in (3, 4):
        raise refuse(f"{name}: expected an IMAGE")
    height, width = (image.shape[1], image.shape[2]) if image.ndim == 4 else image.shape[:2]
    if min(width, height) < MIN_SIDE_PX:
        raise refuse(f"{name}: the image is {width}×{height} px; Kling needs at least {MIN_SIDE_PX} px "
                     "on each side (scale it up first)")
    aspect = width / height
    if not 1 / MAX_ASPECT <= aspect <= MAX_ASPECT:
        raise refuse(f"{name}: the image is {width}×{height} px (aspect {aspect:.2f}); Kling accepts "
                     f"aspect ratios from 1:{MAX_ASPECT} to {MAX_ASPECT}:1 (crop it first)")
    data = provider_media.image_bytes(image, fmt="JPEG", max_side=UPLOAD_MAX_SIDE_PX, quality=92)
    if len(data) > MAX_IMAGE_BYTES:
        data = provider_media.image_bytes(image, fmt="JPEG", max_side=UPLOAD_MAX_SIDE_PX, quality=75)
    return provider_media.b64(data)
