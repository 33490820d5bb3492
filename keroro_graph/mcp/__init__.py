"""The MCP server: Keroro Graph's tools for AI assistants (Cherry Studio, Claude
Desktop, any MCP client), a thin client of the server's HTTP API and WebSocket.
``build_server`` makes the MCPServer; ``command.mcp_command`` is ``keroro-graph
mcp``. Never imports the engine or runtime (``--embedded`` starts the server
through the app factory)."""
from .client import KeroroClient, KeroroServerError, ServerAnswerError, UnreachableError
from .previews import MAX_PREVIEW_BYTES, MAX_SIDE_PX, make_preview
from .server import build_server

__all__ = ["KeroroClient", "KeroroServerError", "MAX_PREVIEW_BYTES", "MAX_SIDE_PX", "ServerAnswerError",
           "UnreachableError", "build_server", "make_preview"]
