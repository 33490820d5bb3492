"""The text ComfyUI embeds in images, read without decoding a pixel: PNG ``tEXt``,
``iTXt`` and ``zTXt`` chunks (keys ``workflow`` and ``prompt``), and WebP EXIF whose
IFD0 ASCII entries hold ``"workflow:{…}"`` / ``"prompt:{…}"``. Compressed text is
inflated with a cap, so a small upload can't claim unbounded memory."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, UnidentifiedImageError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: No embedded text may inflate past this (a large workflow is a few MiB).
MAX_TEXT_BYTES = 64 * 1024 * 1024


class ImageTextError(ValueError):
    """The bytes are not a PNG or WebP whose metadata can be read; the message says why."""


def image_text(data: bytes) -> dict[str, str]:
    """Every ``key → text`` the image carries (PNG chunks or WebP EXIF entries)."""
    if data.startswith(PNG_SIGNATURE):
        return png_text(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return webp_text(data)
    raise ImageTextError("not a PNG or WebP image")


def png_text(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if len(body) < length:
            raise ImageTextError(f"the PNG is cut short inside its {kind.decode('latin-1')!r} chunk")
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key, _, rest = body.partition(b"\0")
            text = _chunk_text(kind, rest)
            if key and text is not None:
                out[key.decode("latin-1")] = text
        elif kind == b"IEND":
            break
        at += 12 + length
    return out


def _chunk_text(kind: bytes, rest: bytes) -> str | None:
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"zTXt":
        return _inflate(rest[1:]).decode("latin-1")
    if len(rest) < 2:
        return None
    compressed, tail = rest[0] == 1, rest[2:]
    _language, _, tail = tail.partition(b"\0")
    _translated, _, text = tail.partition(b"\0")
    return (_inflate(text) if compressed else text).decode("utf-8", errors="replace")


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_TEXT_BYTES)
    except zlib.error as exc:
        raise ImageTextError(f"a compressed PNG text chunk is corrupt: {exc}") from None
    if inflater.unconsumed_tail:
        raise ImageTextError(f"a PNG text chunk inflates past {MAX_TEXT_BYTES // (1024 * 1024)} MiB")
    return out


def webp_text(data: bytes) -> dict[str, str]:
    try:
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageTextError(f"the WebP can't be read: {exc}") from None
    out: dict[str, str] = {}
    for value in exif.values():
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str) and ":" in value:
            key, _, text = value.partition(":")
            if key.strip() and " " not in key.strip():
                out.setdefault(key.strip().lower(), text)
    return out
