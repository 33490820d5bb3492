"""POST ``/api/workflows/convert``: any workflow document — a UI workflow saved by
the canvas, an API graph, or a ``POST /prompt`` body — as the API graph the server
would run, converted with this server's registry (so UI widget values line up with
the installed nodes). A document that does not convert is a 400 naming the node and
what is wrong. Nothing is stored or run."""
from __future__ import annotations

from aiohttp import web

from ...errors import GraphFormatError
from ...graph.workflow import extract_graph, is_ui_workflow
from ..errors import fail, json_body
from ..keys import REGISTRY

routes = web.RouteTableDef()


@routes.post("/api/workflows/convert")
async def convert_workflow(request: web.Request) -> web.Response:
    doc = await json_body(request)
    try:
        graph = extract_graph(doc, request.app[REGISTRY])
    except GraphFormatError as exc:
        fail(400, f"the workflow cannot be converted: {exc}")
    wrapped = doc.get("prompt") if isinstance(doc, dict) else None
    source_format = "ui" if is_ui_workflow(doc) or is_ui_workflow(wrapped) else "api"
    return web.json_response({"prompt": graph, "source_format": source_format})
