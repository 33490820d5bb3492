"""Images that arrive inside text: relays (spec §4.2) and some Gemini answers
(spec §3.4) put the picture in the message as a ``data:image/...;base64,`` string, a
markdown image or a bare URL. This module finds them in the spec's order, turns them
into bytes (downloads go through the client's capped, credential-free ``download``),
and shortens data URLs in text shown to the user. Knows no provider."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Awaitable, Callable

from keroro_graph.api import ProviderError, ResultTooLargeError

_DATA_URL = re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=]+")
_MARKDOWN = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE_URL = re.compile(r"https?://[^\s)\]\"'<>]+?\.(?:jpe?g|png|gif|webp)(?:\?[^\s)\]\"'<>]*)?(?![\w.])", re.I)
_ANY_URL = re.compile(r"https?://[^\s)\]\"'<>]+")
_TRAILING = ".,;:!?'\""

Sleep = Callable[[float], Awaitable[None]]


def image_refs(text: str, *, any_url: bool = True) -> list[str]:
    """Image references in ``text`` by the spec's extraction order: data URLs; else
    markdown images; else URLs ending in an image extension; else (with ``any_url``)
    any URL. Every match of the first kind found is returned, in order, without
    duplicates."""
    finders: list[Callable[[str], list[str]]] = [
        lambda t: _DATA_URL.findall(t),
        lambda t: _MARKDOWN.findall(t),
        lambda t: [m.rstrip(_TRAILING) for m in _IMAGE_URL.findall(t)],
    ]
    if any_url:
        finders.append(lambda t: [m.rstrip(_TRAILING) for m in _ANY_URL.findall(t)])
    for find in finders:
        found = list(dict.fromkeys(find(text or "")))
        if found:
            return found
    return []


def decode_base64_image(value: str, *, max_bytes: int, provider: str) -> bytes:
    """Raw base64 or a data URL → bytes, refusing more than ``max_bytes``."""
    payload = value.split(",", 1)[1] if value.startswith("data:") else value
    if len(payload) * 3 // 4 > max_bytes:
        raise ResultTooLargeError(f"result image is about {len(payload) * 3 // 4:,} bytes, "
                                  f"above the limit of {max_bytes:,}", provider=provider)
    try:
        return base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError("result image is not valid base64", provider=provider) from None


async def fetch_refs(client: Any, refs: list[str], *, max_bytes: int, sleep: Sleep | None = None) -> list[bytes]:
    """Bytes for each reference: data URLs decoded, http(s) URLs downloaded through
    ``client.download`` (no credentials, size-capped, images only)."""
    blobs = []
    for ref in refs:
        if ref.startswith("data:"):
            blobs.append(decode_base64_image(ref, max_bytes=max_bytes, provider=client.provider))
        elif ref.startswith(("http://", "https://")):
            data, _kind = await client.download(ref, max_bytes=max_bytes, accept=("image/",
                                                "application/octet-stream"), sleep=sleep)
            blobs.append(data)
    return blobs


def elide_data_urls(text: str) -> str:
    """``text`` with each data URL replaced by a short marker (nobody wants megabytes
    of base64 in a text output)."""
    def marker(match: re.Match[str]) -> str:
        head, payload = match.group(0).split(",", 1)
        return f"{head},…({len(payload) * 3 // 4:,} bytes)"
    return _DATA_URL.sub(marker, text or "")
