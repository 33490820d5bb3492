"""LoadImageFolder: every image in a folder under input/ matching a glob, as a list
of IMAGE items (each its own size) with their file names, so the graph runs once per
image. An empty or missing folder is a validation error naming it."""
from __future__ import annotations

import hashlib
from typing import Annotated

from keroro_graph.api import IMAGE, NodeContext, Output, Text, media, node
from nodes.batch._items import check_count, folder_files

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def _images(ctx: NodeContext, folder: str, pattern: str) -> list:
    files = [p for p in folder_files(ctx.paths.input, folder, pattern) if p.suffix.lower() in _IMAGE_SUFFIXES]
    check_count(len(files), f"images matching {pattern!r} in {folder or 'input'!r}")
    return files


def _validate(ctx: NodeContext, folder: str, pattern: str) -> bool | str:
    try:
        _images(ctx, folder, pattern)
    except ValueError as exc:
        return str(exc)
    return True


def _fingerprint(ctx: NodeContext, folder: str, pattern: str) -> str:
    """Re-run when a file is added, removed or changed (name, size, time)."""
    digest = hashlib.sha256()
    try:
        for path in _images(ctx, folder, pattern):
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    except (OSError, ValueError) as exc:
        return f"unavailable:{exc}"
    return digest.hexdigest()


def _count(ctx: NodeContext, folder: str, pattern: str) -> int:
    return len(_images(ctx, folder, pattern))


@node("LoadImageFolder", category="batch", validate=_validate, fingerprint=_fingerprint, items=_count)
def load_image_folder(
    ctx: NodeContext,
    folder: Annotated[str, Text(default="", tooltip="A folder inside input/ (empty: input/ itself).")],
    pattern: Annotated[str, Text(default="*.png", tooltip="Which files, e.g. *.jpg or products/**/*.png.")],
) -> tuple[Annotated[IMAGE, Output(name="image", is_list=True)],
           Annotated[str, Output(name="name", is_list=True)]]:
    """Load every matching image as one item of a batch; downstream nodes run per item."""
    images, names = [], []
    for path in _images(ctx, folder, pattern):
        ctx.check_cancelled()
        try:
            pixels, _alpha = media.decode(path.read_bytes())
        except (media.MediaError, OSError, ValueError) as exc:
            raise ValueError(f"{path.name}: cannot be read as an image ({exc})") from exc
        images.append(pixels[None] if pixels.ndim == 3 else pixels)
        names.append(path.relative_to(ctx.paths.input.resolve()).as_posix()
                     if path.is_relative_to(ctx.paths.input.resolve()) else path.name)
    return images, names  # type: ignore[return-value]  # a list output: one value per item
