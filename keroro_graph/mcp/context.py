"""What every tool shares: the KeroroClient the server's lifespan opened (reached
through the tool's MCP ``Context``), a progress reporter bound to the current call,
and the tool-annotation presets."""
from __future__ import annotations

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations

from .client import KeroroClient
from .follow import Report

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
RUN = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
DELETE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


def client_of(ctx: Context) -> KeroroClient:
    """The client of the current server (its lifespan value)."""
    return ctx.request_context.lifespan_context


def reporter(ctx: Context) -> Report:
    """Progress notifications for the current tool call (dropped by the SDK when the
    caller asked for none)."""
    async def report(progress: float, total: float | None, message: str) -> None:
        await ctx.report_progress(progress, total, message)
    return report
