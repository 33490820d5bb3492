"""ComfyUI's WebSocket message set, made from our events: JSON messages
``{"type", "data"}`` and the binary frames for previews and status text. Pure
functions; routing lives in ws.py."""
from __future__ import annotations

import json
import io
import struct
from typing import Any

from ..engine.events import (Event, ItemFailed, JobFailed, JobInterrupted, JobRecorded, JobStarted, JobSucceeded,
                             NodeBlocked, NodeFinished, NodeProgress, NodesCached, NodeStarted, NodeStored,
                             QueueChanged)

PREVIEW_IMAGE = 1
TEXT = 3
PREVIEW_IMAGE_WITH_METADATA = 4
_IMAGE_TYPE = {"JPEG": 1, "PNG": 2}
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def message(type_: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": type_, "data": data}, separators=(",", ":"), default=str)


def status(queue_remaining: int, sid: str | None = None) -> str:
    data: dict[str, Any] = {"status": {"exec_info": {"queue_remaining": queue_remaining}}}
    if sid is not None:
        data["sid"] = sid
    return message("status", data)


def node_state(job_id: str, node_id: str, state: str, value: float = 0.0, max_: float = 1.0) -> str:
    """``progress_state`` for the one node that changed (ComfyUI resends every node
    each time, which grows quadratically with the graph)."""
    entry = {"value": value, "max": max_, "state": state, "node_id": node_id, "prompt_id": job_id,
             "display_node_id": node_id, "parent_node_id": None, "real_node_id": node_id}
    return message("progress_state", {"prompt_id": job_id, "nodes": {node_id: entry}})


def translate(event: Event) -> list[str]:
    """The JSON messages one event becomes, in ComfyUI's order."""
    job = event.job_id
    if isinstance(event, QueueChanged):
        return [status(event.queue_remaining)]
    if isinstance(event, JobStarted):
        return [message("execution_start", {"prompt_id": job, "timestamp": event.timestamp_ms})]
    if isinstance(event, NodesCached):
        return [message("execution_cached", {"nodes": list(event.node_ids), "prompt_id": job,
                                             "timestamp": event.timestamp_ms})]
    if isinstance(event, NodeStarted):
        return [node_state(job, event.node_id, "running"),
                message("executing", {"node": event.node_id, "display_node": event.display_node_id,
                                      "prompt_id": job})]
    if isinstance(event, NodeProgress):
        return [message("progress", {"value": event.value, "max": event.max, "prompt_id": job,
                                     "node": event.node_id}),
                node_state(job, event.node_id, "running", event.value, event.max)]
    if isinstance(event, NodeFinished):
        out = []
        if event.ui:
            out.append(message("executed", {"node": event.node_id, "display_node": event.display_node_id,
                                            "output": event.ui, "prompt_id": job}))
        out.append(node_state(job, event.node_id, "finished", 1.0, 1.0))
        return out
    return _endings(event)


def _endings(event: Event) -> list[str]:
    job = event.job_id
    if isinstance(event, NodeStored):  # ours: served from the paid-result store, nothing paid
        return [message("execution_stored", {"nodes": [event.node_id], "prompt_id": job, "items": event.items,
                                             "total": event.total, "timestamp": event.timestamp_ms})]
    if isinstance(event, ItemFailed):  # ours: one item of a batch failed, the others go on
        return [message("execution_item_error", {"prompt_id": job, "node_id": event.node_id,
                                                 "node_type": event.class_type, "item": event.item,
                                                 "total": event.total, "exception_message": event.message})]
    if isinstance(event, NodeBlocked):
        return [message("execution_error", {
            "prompt_id": job, "node_id": event.node_id, "node_type": event.class_type, "executed": [],
            "exception_message": f"Execution Blocked: {event.message}", "exception_type": "ExecutionBlocked",
            "traceback": [], "current_inputs": [], "current_outputs": []})]
    if isinstance(event, JobSucceeded):
        return [message("execution_success", {"prompt_id": job, "timestamp": event.timestamp_ms})]
    if isinstance(event, JobFailed):
        out = [node_state(job, event.node_id, "error")] if event.node_id else []
        return out + [message("execution_error", {
            "prompt_id": job, "node_id": event.node_id or None, "node_type": event.class_type or None,
            "executed": list(event.executed), "exception_message": event.message,
            "exception_type": event.exception_type, "traceback": list(event.traceback),
            "current_inputs": event.current_inputs, "current_outputs": list(event.executed),
            "timestamp": event.timestamp_ms})]
    if isinstance(event, JobInterrupted):
        return [message("execution_interrupted", {
            "prompt_id": job, "node_id": event.node_id, "node_type": event.class_type,
            "executed": list(event.executed), "timestamp": event.timestamp_ms})]
    if isinstance(event, JobRecorded):
        return [message("executing", {"node": None, "prompt_id": job})]
    return []


def preview_frame(image_format: str, data: bytes, *, with_metadata: bool, job_id: str,
                  node_id: str) -> bytes:
    """A binary preview: type 1 for clients without feature flags, type 4 (JSON
    metadata first) for clients that announced ``supports_preview_metadata``."""
    if not with_metadata:
        return struct.pack(">II", PREVIEW_IMAGE, _IMAGE_TYPE.get(image_format, 1)) + data
    meta = json.dumps({"node_id": node_id, "prompt_id": job_id, "display_node_id": node_id,
                       "parent_node_id": None, "real_node_id": node_id,
                       "image_type": _MIME.get(image_format, "image/jpeg")}).encode()
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
