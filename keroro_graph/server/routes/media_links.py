"""``GET /api/media/{name}``: the public links this server hands to providers that
fetch inputs by URL (``--public-url``; keroro_graph/providers/media_host.py). A link
is 256 random bits naming one file, read-only, and refused once it expires. It needs
no access token and answers whatever Host it is addressed to (the provider reaches
the server through its public name): the link itself is the credential. Range
requests are answered, as providers fetching large videos use them."""
from __future__ import annotations

import asyncio

from aiohttp import web

from ...providers.media_host import LINK_ROUTE, resolve_link
from ..errors import json_error
from ..keys import SETTINGS

routes = web.RouteTableDef()


def is_public_link(request: web.Request) -> bool:
    """Whether the middlewares should let ``request`` through without a token or an
    allowed Host): the router sent it to the public-link handler (GET or HEAD), so no
    other path can be made to look like one."""
    return request.match_info.handler is public_link


@routes.get(LINK_ROUTE + "{name}")
async def public_link(request: web.Request) -> web.StreamResponse:
    found = await asyncio.to_thread(resolve_link, request.app[SETTINGS].paths.temp, request.match_info["name"])
    if found is None:
        return json_error(404, "no such link (it may have expired)")
    path, content_type = found
    return web.FileResponse(path, headers={"Content-Type": content_type, "Cache-Control": "no-store",
                                           "X-Content-Type-Options": "nosniff"})
