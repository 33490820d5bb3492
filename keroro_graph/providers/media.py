"""Media for provider calls: IMAGE batches to PNG/JPEG bytes, raw base64 and data
URLs (each provider wants one or the other), shrinking to a provider's limits,
decoding result images, saving results under the output folder keyed by job and node
(a retried job overwrites instead of duplicating), and VIDEO values probed from the
saved file."""
from __future__ import annotations

import asyncio
import base64
import re
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from .. import media
from ..video import Video

_B64 = re.compile(r"^data:([\w/+.-]+);base64,(.*)$", re.S)


def image_bytes(image: np.ndarray, *, fmt: str = "PNG", index: int = 0, max_side: int | None = None,
                max_pixels: int | None = None, quality: int = 92) -> bytes:
    """One frame of an IMAGE batch, encoded, shrunk to ``max_side`` / ``max_pixels``."""
    img = media.to_pil(image, index)
    if max_pixels and img.width * img.height > max_pixels:
        scale = (max_pixels / (img.width * img.height)) ** 0.5
        img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))), Image.Resampling.LANCZOS)
    return media.encode(img, fmt, quality=quality, max_side=max_side)


def b64(data: bytes) -> str:
    """Raw base64 (Kling and Gemini want no ``data:`` prefix)."""
    return base64.b64encode(data).decode("ascii")


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{b64(data)}"


def decode_data_url(url: str) -> tuple[bytes, str]:
    """``data:<mime>;base64,<payload>`` → (bytes, mime); raises ValueError."""
    match = _B64.match(url.strip())
    if not match:
        raise ValueError("not a base64 data URL")
    return base64.b64decode(match.group(2)), match.group(1)


def images_to_batch(blobs: list[bytes]) -> np.ndarray:
    """Decoded result images as one IMAGE batch (later frames resized to the first)."""
    frames: list[np.ndarray] = []
    for blob in blobs:
        batch, _ = media.decode(blob)
        if frames and batch.shape[1:3] != frames[0].shape[1:3]:
            size = (frames[0].shape[2], frames[0].shape[1])
            batch = media.from_pil(media.to_pil(batch).resize(size, Image.Resampling.LANCZOS))[0]
        frames.append(batch)
    if not frames:
        raise ValueError("no images to decode")
    return np.concatenate(frames, axis=0)


def result_path(ctx: Any, provider: str, ext: str, index: int = 0) -> Path:
    """``output/<provider>/<job>_<node>_<index>.<ext>`` (``..._item<N>_<index>`` for
    item N of a batch): keyed by job and node, so a job taken over after a crash
    overwrites its own file."""
    folder = Path(ctx.paths.output) / provider
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{ctx.job_id or 'job'}_{ctx.node_id or 'node'}")
    item = getattr(ctx, "item", None)
    if item is not None:  # one call of a batch: ``<job>_<node>_item<N>_<index>``
        safe += f"_item{item}"
    return folder / f"{safe}_{index}.{ext.lstrip('.')}"


def save_result(ctx: Any, data: bytes, *, provider: str, ext: str, index: int = 0) -> Path:
    path = result_path(ctx, provider, ext, index)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def video_ref(path: Path) -> Video:
    """The VIDEO value of a downloaded result file, probed with PyAV. Raises
    VideoError (a ValueError) naming the file when it is not a decodable video."""
    return Video.open(path)


async def save_video(ctx: Any, data: bytes, *, provider: str, ext: str = "mp4", index: int = 0) -> Video:
    """Save downloaded video bytes as ``output/<provider>/<job>_<node>_<index>.<ext>`` and
    return its VIDEO value; the file is written and probed off the event loop. Raises
    VideoError naming the file when the bytes are not a decodable video (the file is
    removed then). Cap the download itself: ``client.download(url, max_bytes=...)``."""
    def write_and_probe() -> Video:
        path = save_result(ctx, data, provider=provider, ext=ext, index=index)
        try:
            return Video.open(path)
        except ValueError:
            path.unlink(missing_ok=True)
            raise
    return await asyncio.to_thread(write_and_probe)


def saved_result_ui(ctx: Any, path: Path) -> dict[str, str]:
    """A saved result as ComfyUI's ``{"filename", "subfolder", "type": "output"}`` entry."""
    subfolder = path.parent.relative_to(Path(ctx.paths.output)).as_posix()
    return {"filename": path.name, "subfolder": "" if subfolder == "." else subfolder, "type": "output"}


def input_files(ctx: Any, suffixes: tuple[str, ...], *, max_bytes: int) -> list[str]:
    """Names of files in the input folder with one of ``suffixes`` and at most
    ``max_bytes`` (a combo's choices for nodes that send documents to a provider)."""
    folder = getattr(getattr(ctx, "paths", None), "input", None)
    if folder is None or not Path(folder).is_dir():
        return []
    return sorted(p.name for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in suffixes and p.stat().st_size <= max_bytes)


def document_data_url(ctx: Any, name: str, mime_types: dict[str, str], *, max_bytes: int,
                      provider: str) -> tuple[str, str]:
    """(data URL, file name) of an input-folder document chosen by name (its type
    from ``mime_types``, keyed by suffix); BadRequestError naming the file when it is
    outside the folder, missing, of another type or too large."""
    from .errors import BadRequestError
    root = Path(ctx.paths.input).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        raise BadRequestError(f"file: {name!r} is not a file in the input folder", provider=provider)
    mime = mime_types.get(path.suffix.lower())
    if mime is None or path.stat().st_size > max_bytes:
        raise BadRequestError(f"file: {name!r} must be one of {', '.join(mime_types)} and at most "
                              f"{max_bytes:,} bytes", provider=provider)
    return data_url(path.read_bytes(), mime), path.name
