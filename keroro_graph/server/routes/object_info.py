"""GET ``/object_info`` and ``/object_info/{class}``: the node catalogue in ComfyUI's
V1 shape, rendered from NodeSpecs (dynamic lists such as input files are current)."""
from __future__ import annotations

from aiohttp import web

from ...registry.env import NodeEnv
from ...registry.object_info import node_info, object_info
from ..keys import REGISTRY, SETTINGS

routes = web.RouteTableDef()


@routes.get("/object_info")
async def get_object_info(request: web.Request) -> web.Response:
    env = NodeEnv(paths=request.app[SETTINGS].paths)
    return web.json_response(object_info(request.app[REGISTRY], env))


@routes.get("/object_info/{node_class}")
async def get_node_info(request: web.Request) -> web.Response:
    spec = request.app[REGISTRY].get(request.match_info["node_class"])
    if spec is None:
        return web.json_response({})
    env = NodeEnv(paths=request.app[SETTINGS].paths)
    return web.json_response({spec.class_type: node_info(spec, env)})
