"""The WebSocket's framing of ComfyUI's messages: JSON text ``{"type", "data"}`` for the
messages jobs/wire.py renders, and the binary frames for previews, status text and
packs' ``send_sync``. Pure functions; routing lives in ws.py."""
from __future__ import annotations

import io
import json
import struct
from typing import Any, Callable

from ..engine.events import Event, NodeFinished, NodeStarted
from ..jobs import wire

#: json.dumps' own string encoder (ensure_ascii): the fast paths below write exactly what
#: ``message`` would, without building and walking dicts (a chain sends 3 per node).
_quote: Callable[[str], str] = json.encoder.encode_basestring_ascii

PREVIEW_IMAGE = 1
TEXT = 3
PREVIEW_IMAGE_WITH_METADATA = 4
_IMAGE_TYPE = {"JPEG": 1, "PNG": 2}
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def message(type_: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": type_, "data": data}, separators=(",", ":"), default=str)


def translate(event: Event) -> list[str]:
    """The JSON messages one event becomes, in ComfyUI's order."""
    if isinstance(event, NodeStarted):  # = message(*wire.node_state(..)), message(*wire.executing(..))
        job, node = _quote(event.job_id), _quote(event.node_id)
        display = _quote(event.display_node_id or event.node_id)
        return [_node_state(job, node, "running", "0.0"),
                f'{{"type":"executing","data":{{"node":{node},"display_node":{display},"prompt_id":{job}}}}}']
    if isinstance(event, NodeFinished) and not event.ui:
        return [_node_state(_quote(event.job_id), _quote(event.node_id), "finished", "1.0")]
    return [message(type_, data) for type_, data in wire.event_messages(event)]


def _node_state(job: str, node: str, state: str, value: str) -> str:
    """``progress_state`` of one node, from already quoted ids (see wire.node_state)."""
    return (f'{{"type":"progress_state","data":{{"prompt_id":{job},"nodes":{{{node}:{{"value":{value},'
            f'"max":1.0,"state":"{state}","node_id":{node},"prompt_id":{job},"display_node_id":{node},'
            f'"parent_node_id":null,"real_node_id":{node}}}}}}}}}')


def preview_frame(image_format: str, data: bytes, *, with_metadata: bool, job_id: str,
                  node_id: str) -> bytes:
    """A binary preview: type 1 for clients without feature flags, type 4 (JSON
    metadata first) for clients that announced ``supports_preview_metadata``."""
    if not with_metadata:
        return struct.pack(">II", PREVIEW_IMAGE, _IMAGE_TYPE.get(image_format, 1)) + data
    meta = json.dumps(wire.preview_metadata(job_id, node_id, _MIME.get(image_format, "image/jpeg"))).encode()
    return struct.pack(">II", PREVIEW_IMAGE_WITH_METADATA, len(meta)) + meta + data


def text_frame(node_id: str, text: str) -> bytes:
    raw = node_id.encode()
    return struct.pack(">II", TEXT, len(raw)) + raw + text.encode()


def pack_message(event: Any, data: Any) -> str | bytes | None:
    """A custom node's ``send_sync(event, data)`` as ComfyUI puts it on the wire:
    event 2 (an unencoded preview: format, Pillow image, max size) becomes a type-1
    image frame; bytes become ``>I event`` + data; anything else is JSON."""
    if event in (2, 4):
        image_data = data[0] if event == 4 else data
        fmt, image, max_size = (list(image_data) + [None, None, None])[:3]
        if image is None:
            return None
        from PIL import ImageOps
        if max_size:
            image = ImageOps.contain(image, (int(max_size), int(max_size)))
        buffer = io.BytesIO()
        fmt = str(fmt or "JPEG").upper()
        image.save(buffer, format=fmt, quality=95, compress_level=1)
        return struct.pack(">II", PREVIEW_IMAGE, _IMAGE_TYPE.get(fmt, 1)) + buffer.getvalue()
    if isinstance(data, (bytes, bytearray)):
        if not isinstance(event, int):
            return None
        return struct.pack(">I", event) + bytes(data)
    return json.dumps({"type": event, "data": data}, default=str)
