"""POST ``/api/workflows/convert``: any workflow document — a UI workflow saved by
the canvas, an API graph, or a ``POST /prompt`` body — as the API graph the server
would run, converted with this server's registry (so UI widget values line up with
the installed nodes). A document that does not convert is a 400 naming the node and
what is wrong. Nothing is stored or run.

POST ``/api/workflows/validate``: the same documents, converted and then validated as
``POST /prompt`` would (node types, inputs, links, limits, provider credentials), and
answered 200 either way with ``{"valid", "error", "node_errors", "outputs",
"prompt"}`` — a dry run for assistants and editors. Nothing is queued."""
from __future__ import annotations

from aiohttp import web

from ...errors import GraphFormatError
from ...graph.workflow import extract_graph, is_ui_workflow
from ..errors import fail, json_body
from ..keys import REGISTRY, RUNTIME

routes = web.RouteTableDef()


@routes.post("/api/workflows/convert")
async def convert_workflow(request: web.Request) -> web.Response:
    doc = await json_body(request)
    graph, source_format = _converted(request, doc)
    return web.json_response({"prompt": graph, "source_format": source_format})


@routes.post("/api/workflows/validate")
async def validate_workflow(request: web.Request) -> web.Response:
    doc = await json_body(request)
    graph, source_format = _converted(request, doc)
    checked = await request.app[RUNTIME].jobs.validate(graph)
    return web.json_response({"valid": checked.ok, "error": checked.error, "node_errors": checked.node_errors,
                              "outputs": checked.outputs, "prompt": graph, "source_format": source_format})


def _converted(request: web.Request, doc: object) -> tuple[object, str]:
    try:
        graph = extract_graph(doc, request.app[REGISTRY])
    except GraphFormatError as exc:
        fail(400, f"the workflow cannot be converted: {exc}")
    wrapped = doc.get("prompt") if isinstance(doc, dict) else None
    return graph, "ui" if is_ui_workflow(doc) or is_ui_workflow(wrapped) else "api"
