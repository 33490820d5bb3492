"""Media for provider calls: IMAGE batches to PNG/JPEG bytes, raw base64 and data
URLs (each provider wants one or the other), shrinking to a provider's limits,
decoding result images, saving results under the output folder keyed by job and node
(a retried job overwrites instead of duplicating), and VIDEO references with width,
height, duration and fps read from the MP4 file itself."""
from __future__ import annotations

import base64
import re
import struct
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from .. import media
from ..registry.types import VideoRef

_B64 = re.compile(r"^data:([\w/+.-]+);base64,(.*)$", re.S)


def image_bytes(image: np.ndarray, *, fmt: str = "PNG", index: int = 0, max_side: int | None = None,
                max_pixels: int | None = None, quality: int = 92) -> bytes:
    """One frame of an IMAGE batch, encoded, shrunk to ``max_side`` / ``max_pixels``."""
    img = media.to_pil(image, index)
    if max_pixels and img.width * img.height > max_pixels:
        scale = (max_pixels / (img.width * img.height)) ** 0.5
        img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))), Image.LANCZOS)
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
    frames = []
    for blob in blobs:
        batch, _ = media.decode(blob)
        if frames and batch.shape[1:3] != frames[0].shape[1:3]:
            size = (frames[0].shape[2], frames[0].shape[1])
            batch = media.from_pil(media.to_pil(batch).resize(size, Image.LANCZOS))[0]
        frames.append(batch)
    if not frames:
        raise ValueError("no images to decode")
    return np.concatenate(frames, axis=0)


def result_path(ctx: Any, provider: str, ext: str, index: int = 0) -> Path:
    """``output/<provider>/<job>_<node>_<index>.<ext>``: keyed by job and node, so a
    job taken over after a crash overwrites its own file."""
    folder = Path(ctx.paths.output) / provider
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{ctx.job_id or 'job'}_{ctx.node_id or 'node'}")
    return folder / f"{safe}_{index}.{ext.lstrip('.')}"


def save_result(ctx: Any, data: bytes, *, provider: str, ext: str, index: int = 0) -> Path:
    path = result_path(ctx, provider, ext, index)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def video_ref(path: Path) -> VideoRef:
    """A VIDEO value for ``path``, with what the file says about itself."""
    info = probe_mp4(path.read_bytes()[:64 * 1024 * 1024]) if path.suffix.lower() in (".mp4", ".mov", ".m4v") else {}
    return VideoRef(path=path, width=info.get("width"), height=info.get("height"),
                    duration_s=info.get("duration_s"), fps=info.get("fps"), format=path.suffix.lstrip(".").lower())


# --- a tiny ISO-BMFF reader: enough for duration, size and frame rate -----------------------

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


def probe_mp4(data: bytes) -> dict[str, Any]:
    """Width, height, duration and fps of the first video track; {} if unreadable."""
    try:
        boxes = dict(_walk(data, 0, len(data)))
        moov = boxes.get(b"moov")
        if moov is None:
            return {}
        info: dict[str, Any] = {}
        scale, duration = _mvhd(data, boxes)
        if scale:
            info["duration_s"] = round(duration / scale, 3)
        for start, end in _children(data, *moov, b"trak"):
            track = _track(data, start, end)
            if track.get("video"):
                info.update({k: v for k, v in track.items() if k != "video"})
                break
        return info
    except (struct.error, ValueError, IndexError):
        return {}


def _walk(data: bytes, start: int, end: int) -> Any:
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, (pos + header, min(pos + size, end))
        pos += size


def _children(data: bytes, start: int, end: int, kind: bytes) -> list[tuple[int, int]]:
    return [span for k, span in _walk(data, start, end) if k == kind]


def _find(data: bytes, start: int, end: int, path: list[bytes]) -> tuple[int, int] | None:
    for kind, span in _walk(data, start, end):
        if kind == path[0]:
            return span if len(path) == 1 else _find(data, *span, path[1:])
    return None


def _mvhd(data: bytes, boxes: dict[bytes, tuple[int, int]]) -> tuple[int, int]:
    span = _find(data, *boxes[b"moov"], [b"mvhd"])
    if span is None:
        return 0, 0
    return _scale_and_duration(data, span[0])


def _scale_and_duration(data: bytes, at: int) -> tuple[int, int]:
    version = data[at]
    if version == 1:
        return struct.unpack(">IQ", data[at + 20:at + 32])
    return struct.unpack(">II", data[at + 12:at + 20])


def _track(data: bytes, start: int, end: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    hdlr = _find(data, start, end, [b"mdia", b"hdlr"])
    out["video"] = hdlr is not None and data[hdlr[0] + 8:hdlr[0] + 12] == b"vide"
    tkhd = _find(data, start, end, [b"tkhd"])
    if tkhd is not None:
        w, h = struct.unpack(">II", data[tkhd[1] - 8:tkhd[1]])
        out["width"], out["height"] = w >> 16, h >> 16
    mdhd = _find(data, start, end, [b"mdia", b"mdhd"])
    stts = _find(data, start, end, [b"mdia", b"minf", b"stbl", b"stts"])
    if mdhd is not None and stts is not None:
        scale, duration = _scale_and_duration(data, mdhd[0])
        count = struct.unpack(">I", data[stts[0] + 4:stts[0] + 8])[0]
        samples = sum(struct.unpack(">I", data[stts[0] + 8 + i * 8:stts[0] + 12 + i * 8])[0] for i in range(count))
        if scale and duration:
            out["fps"] = round(samples / (duration / scale), 3)
    return out
