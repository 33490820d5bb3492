"""What RunningHub nodes send: the ``node_overrides`` text parsed into a
``nodeInfoList`` (with errors that say which item is wrong and how), and an IMAGE
uploaded and wired into the loader node the user names."""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from keroro_graph.api import BadRequestError, provider_media

from .client import RunningHubClient
from .models import NodeInfo

_FIELDS = ("nodeId", "fieldName", "fieldValue")
_EXAMPLE = '[{"nodeId": "6", "fieldName": "text", "fieldValue": "a cat"}]'


def refuse(message: str) -> BadRequestError:
    return BadRequestError(message, provider="runninghub")


def parse_node_overrides(text: str) -> list[NodeInfo]:
    """``node_overrides`` as NodeInfo items; empty text means none. Raises
    BadRequestError naming the input and the item at fault."""
    if not (text or "").strip():
        return []
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise refuse(f"node_overrides: not valid JSON ({exc}); expected a list such as {_EXAMPLE}") from None
    if isinstance(items, dict):
        items = [items]  # a single override is a common shorthand
    if not isinstance(items, list):
        raise refuse(f"node_overrides: expected a JSON list of objects, got {type(items).__name__}; e.g. {_EXAMPLE}")
    return [_node_info(i, item) for i, item in enumerate(items, start=1)]


def _node_info(position: int, item: Any) -> NodeInfo:
    where = f"node_overrides: item {position}"
    if not isinstance(item, dict):
        raise refuse(f"{where} is {type(item).__name__}, not an object with {', '.join(_FIELDS)}")
    missing = [name for name in _FIELDS if name not in item]
    if missing:
        raise refuse(f"{where} has no {', '.join(missing)}")
    extra = sorted(set(item) - set(_FIELDS))
    if extra:
        raise refuse(f"{where} has unknown key(s) {', '.join(extra)}; only {', '.join(_FIELDS)} are allowed")
    node_id, field = item["nodeId"], item["fieldName"]
    if isinstance(node_id, bool) or not isinstance(node_id, (str, int)) or not str(node_id).strip():
        raise refuse(f"{where}: nodeId must be a node id such as \"6\"")
    if not isinstance(field, str) or not field.strip():
        raise refuse(f"{where}: fieldName must be a non-empty string such as \"text\"")
    return NodeInfo(nodeId=str(node_id).strip(), fieldName=field.strip(), fieldValue=item["fieldValue"])


async def add_image(client: RunningHubClient, infos: list[NodeInfo], image: np.ndarray | None, *,
                    node_id: str, field: str) -> list[NodeInfo]:
    """Upload ``image`` (first frame) and set it as ``node_id``'s ``field``, replacing
    any override of the same field. Without an image, ``infos`` is returned as is."""
    if image is None:
        return infos
    node_id, field = (node_id or "").strip(), (field or "").strip()
    if not node_id:
        raise refuse("image_node_id: set the id of the workflow's LoadImage node that should receive the image")
    if not field:
        raise refuse("image_field: set the field that takes the image (usually \"image\")")
    data, mime, name = provider_media.image_bytes(image, fmt="PNG"), "image/png", "input.png"
    if len(data) > client.max_upload_bytes:
        # A huge PNG still fits as a JPEG far below the upload limit.
        data, mime, name = provider_media.image_bytes(image, fmt="JPEG", quality=92), "image/jpeg", "input.jpg"
    uploaded = await client.upload(data, filename=name, mime=mime)
    kept = [info for info in infos if (info.nodeId, info.fieldName) != (node_id, field)]
    return [*kept, NodeInfo(nodeId=node_id, fieldName=field, fieldValue=uploaded)]
