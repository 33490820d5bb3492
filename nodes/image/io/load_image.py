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
from nodes.image.io._files import annotated_path, check_file, list_images

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
    return check_file(ctx, image, "image")


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
            return _decode_frames(ctx, media.open_image(stream))
    except media.DecodedBudgetError as exc:
        raise ValueError(f"LoadImage (node {ctx.node_id}): {image!r} was refused: {exc}") from exc
    except (media.MediaError, OSError, SyntaxError, EOFError) as exc:
        raise ValueError(f"image {image!r} could not be decoded: {exc}") from exc


def _decode_frames(ctx: NodeContext, img: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Every frame into one preallocated batch (open_image checked that frames x
    size fits the decoded-image budget), so memory never holds a list of frames and
    a stacked copy of them at once."""
    count = 1 if img.format in _SINGLE_FRAME_FORMATS else media.frame_count(img)
    images: np.ndarray | None = None
    alphas: list[np.ndarray | None] = []
    for frame in ImageSequence.Iterator(img):
        ctx.check_cancelled()
        frame = ImageOps.exif_transpose(frame)
        if frame.mode == "I":
            frame = frame.point(lambda value: value * (1 / 255))  # 16-bit PNGs, as ComfyUI scales them
        rgb = np.asarray(frame.convert("RGB"), dtype=np.uint8)
        if images is None:
            images = np.empty((count, *rgb.shape), dtype=np.float32)
        elif rgb.shape != images.shape[1:]:
            continue
        np.divide(rgb, np.float32(255), out=images[len(alphas)], casting="unsafe")
        alphas.append(_alpha(frame))
        if len(alphas) == count:
            break
    assert images is not None
    frames = images[:len(alphas)]
    return frames, _masks(frames, alphas)


def _alpha(frame: Image.Image) -> np.ndarray | None:
    """The frame's alpha as uint8 (a quarter of float32's memory until the mask is made)."""
    if "A" in frame.getbands():
        return np.asarray(frame.getchannel("A"), dtype=np.uint8)
    if frame.mode == "P" and "transparency" in frame.info:
        return np.asarray(frame.convert("RGBA").getchannel("A"), dtype=np.uint8)
    return None


def _masks(frames: np.ndarray, alphas: list[np.ndarray | None]) -> np.ndarray:
    if all(alpha is None for alpha in alphas):
        return np.zeros((len(frames), 64, 64), dtype=np.float32)
    # A file where only some frames carry alpha: the others are fully opaque.
    height, width = frames.shape[1:3]
    masks = np.zeros((len(alphas), height, width), dtype=np.float32)
    for index, alpha in enumerate(alphas):
        if alpha is not None:
            np.divide(alpha, np.float32(255), out=masks[index], casting="unsafe")
            np.subtract(np.float32(1), masks[index], out=masks[index])
    return masks

