"""LoadImage: read an image from the input folder as an IMAGE batch and a MASK.

Follows ComfyUI: EXIF orientation is applied, every frame of an animated file
(GIF, APNG, WEBP) becomes one batch entry (frames of a different size are skipped),
the mask is ``1 - alpha``, and an image without alpha gets a 64x64 zero mask. The
name may carry a subfolder (``sub/x.png``) or ComfyUI's `` [output]`` annotation but
can never leave its folder.
"""
from __future__ import annotations

import hashlib
from typing import Annotated

import numpy as np
from PIL import Image, ImageOps, ImageSequence

from keroro_graph.api import IMAGE, MASK, Combo, NodeContext, media, node
from nodes.image.io._files import annotated_path, list_images

#: Formats whose extra frames are not animation (MPO holds stereo views).
_SINGLE_FRAME_FORMATS = {"MPO"}


def _fingerprint(ctx: NodeContext, image: str) -> str:
    """Re-run when the file's bytes change (ComfyUI's IS_CHANGED for LoadImage)."""
    try:
        path = annotated_path(ctx.paths, image)
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except (OSError, ValueError):
        return f"unavailable:{image}"  # validation reports the problem with a clear message
    return digest.hexdigest()


def _validate(ctx: NodeContext, image: str) -> bool | str:
    try:
        path = annotated_path(ctx.paths, image)
    except ValueError as exc:
        return str(exc)
    return True if path.is_file() else f"Invalid image file: {image}"


@node("LoadImage", fingerprint=_fingerprint, validate=_validate)
def load_image(
    ctx: NodeContext,
    image: Annotated[str, Combo(options=list_images, image_upload=True,
                                tooltip="An image file in the input folder.")],
) -> tuple[IMAGE, MASK]:
    """Load an image (every frame of an animated one) and its alpha as a mask."""
    path = annotated_path(ctx.paths, image)
    if not path.is_file():
        raise ValueError(f"image {image!r} does not exist in the input folder")
    try:
        with path.open("rb") as stream:
            frames, alphas = _decode_frames(ctx, media.open_image(stream))
    except (media.MediaError, OSError, SyntaxError, EOFError) as exc:
        raise ValueError(f"image {image!r} could not be decoded: {exc}") from exc
    return np.stack(frames), _masks(frames, alphas)


def _decode_frames(ctx: NodeContext, img: Image.Image) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    frames: list[np.ndarray] = []
    alphas: list[np.ndarray | None] = []
    for frame in ImageSequence.Iterator(img):
        ctx.check_cancelled()
        frame = ImageOps.exif_transpose(frame)
        if frame.mode == "I":
            frame = frame.point(lambda value: value * (1 / 255))  # 16-bit PNGs, as ComfyUI scales them
        rgb = np.asarray(frame.convert("RGB"), dtype=np.float32) / 255.0
        if frames and rgb.shape != frames[0].shape:
            continue
        frames.append(rgb)
        alphas.append(_alpha(frame))
        if img.format in _SINGLE_FRAME_FORMATS:
            break
    return frames, alphas


def _alpha(frame: Image.Image) -> np.ndarray | None:
    if "A" in frame.getbands():
        return np.asarray(frame.getchannel("A"), dtype=np.float32) / 255.0
    if frame.mode == "P" and "transparency" in frame.info:
        return np.asarray(frame.convert("RGBA").getchannel("A"), dtype=np.float32) / 255.0
    return None


def _masks(frames: list[np.ndarray], alphas: list[np.ndarray | None]) -> np.ndarray:
    if all(alpha is None for alpha in alphas):
        return np.zeros((len(frames), 64, 64), dtype=np.float32)
    # A file where only some frames carry alpha: the others are fully opaque.
    height, width = frames[0].shape[:2]
    opaque = np.ones((height, width), dtype=np.float32)
    return np.stack([1.0 - (opaque if alpha is None else alpha) for alpha in alphas])

