"""``/ws?clientId=``: ComfyUI's WebSocket. A connection gets its first status, what
was addressed to its id while it had none, and then its jobs' messages through the
hub (hub.py)."""
from __future__ import annotations

import json
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from ..jobs import wire
from . import messages
from .hub import UNCLAIMED_CLIENTS, Client, Hub  # noqa: F401 - Hub and the limits are read here too
from .keys import HUB, RUNTIME, SETTINGS

routes = web.RouteTableDef()


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=1024 * 1024)
    await ws.prepare(request)
    hub, runtime = request.app[HUB], request.app[RUNTIME]
    sid = request.query.get("clientId") or uuid.uuid4().hex
    client = Client(sid=sid, ws=ws)
    remaining = await runtime.jobs.queue_remaining()
    # no await from here to the claim: what was kept for this id goes before anything new
    hub.attach(client)
    client.send(messages.message(*wire.status(remaining, sid=sid)))
    hub.claim(client)
    running = hub.running_job_of(sid)
    if running is not None:
        job_id, node = running
        client.send(messages.message(*wire.executing(job_id, node)))
    try:
        await _read(ws, client, request)
    finally:
        hub.detach(client)
    return ws


async def _read(ws: web.WebSocketResponse, client: Client, request: web.Request) -> None:
    first = True
    async for msg in ws:
        if msg.type is not WSMsgType.TEXT:
            continue
        if first:
            first = False
            flags = _feature_flags(msg.data)
            if flags is not None:
                client.metadata_previews = bool(flags.get("supports_preview_metadata"))
                client.send(messages.message("feature_flags", server_features(request.app)))


def _feature_flags(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and data.get("type") == "feature_flags" and isinstance(data.get("data"), dict):
        flags: dict[str, Any] = data["data"]
        return flags
    return None


def server_features(app: web.Application) -> dict[str, Any]:
    return {"supports_preview_metadata": True, "max_upload_size": app[SETTINGS].max_body_bytes}
