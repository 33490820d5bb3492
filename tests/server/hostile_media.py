"""Small files that claim a lot of pixels, for the decoded-image budget (issue 17):
animations whose frames differ by one pixel (tiny on disk, every frame full-size once
decoded) in GIF, APNG, animated WebP and multi-page TIFF; stills whose headers claim
huge sizes (PNG, JPEG, TIFF); a video of large frames. Each made here, at test time."""
from __future__ import annotations

import io
import struct
import zlib
from typing import Callable

from PIL import Image


def _frames(count: int, size: int, mode: str = "RGB") -> list[Image.Image]:
    frames = []
    for i in range(count):
        img = Image.new(mode, (size, size), 0)
        img.putpixel((i % size, 0), (255,) * len(mode))
        frames.append(img)
    return frames


def animation(fmt: str, frames: int = 60, size: int = 1000) -> bytes:
    """``fmt``: GIF, PNG (APNG), WEBP (lossless) or TIFF (pages)."""
    images = _frames(frames, size, "L" if fmt == "TIFF" else "RGB")
    out = io.BytesIO()
    extra = {"GIF": {"duration": 40}, "PNG": {"duration": 40}, "WEBP": {"lossless": True, "method": 0},
             "TIFF": {"compression": "tiff_deflate"}}[fmt]
    images[0].save(out, fmt, save_all=True, append_images=images[1:], **extra)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + \
        _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + _png_chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real 16x16 JPEG whose frame header (SOF0) is rewritten to claim ``width`` x ``height``."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    at = data.index(b"\xff\xc0")
    data[at + 5:at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def tiff_claiming(width: int, height: int) -> bytes:
    """A real 16x16 TIFF whose ImageWidth/ImageLength tags are rewritten."""
    out = io.BytesIO()
    Image.new("L", (16, 16), 7).save(out, "TIFF")
    data = bytearray(out.getvalue())
    offset = struct.unpack("<I", data[4:8])[0]
    count = struct.unpack("<H", data[offset:offset + 2])[0]
    for i in range(count):
        entry = offset + 2 + 12 * i
        tag, kind = struct.unpack("<HH", data[entry:entry + 4])
        if tag in (256, 257):
            value = width if tag == 256 else height
            data[entry + 8:entry + 12] = struct.pack("<H", value) + b"\0\0" if kind == 3 else struct.pack("<I", value)
    return bytes(data)


def video(width: int, height: int, frames: int = 2) -> bytes:
    """An H.264 MP4 of ``frames`` frames of ``width`` x ``height``."""
    import av
    import numpy as np
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=1)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(frames):
            pixels = np.zeros((height, width, 3), dtype=np.uint8)
            pixels[0, i % width] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def hostile(frames: int = 60, size: int = 1000) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """name -> (file name, maker): animations of ``frames`` x ``size``², and headers
    claiming more than the pixel cap (or than a small budget allows)."""
    each = f"{frames} frames of {size}x{size}"
    return {
        f"GIF, {each}": ("bomb.gif", lambda: animation("GIF", frames, size)),
        f"APNG, {each}": ("bomb.png", lambda: animation("PNG", frames, size)),
        f"animated WebP, {each}": ("bomb.webp", lambda: animation("WEBP", frames, size)),
        f"TIFF, {each.replace('frames', 'pages')}": ("bomb.tif", lambda: animation("TIFF", frames, size)),
        "PNG header claiming 100000x100000": ("huge.png", lambda: png_claiming(100_000, 100_000)),
        "PNG header claiming 8000x8000": ("big.png", lambda: png_claiming(8000, 8000)),
        "JPEG header claiming 65000x65000": ("huge.jpg", lambda: jpeg_claiming(65000, 65000)),
        "JPEG header claiming 8000x8000": ("big.jpg", lambda: jpeg_claiming(8000, 8000)),
        "TIFF header claiming 60000x60000": ("huge.tif", lambda: tiff_claiming(60000, 60000)),
        "MP4 (H.264), 2 frames of 64x64 (loads PyAV)": ("small.mp4", lambda: video(64, 64)),
        "MP4 (H.264), 2 frames of 8192x8192": ("huge.mp4", lambda: video(8192, 8192)),
    }
