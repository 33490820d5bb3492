"""What every tool shares: the server's lifespan state (the KeroroClient and the
result limits, reached through the tool's MCP ``Context``), a progress reporter
bound to the current call, and the tool-annotation presets."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from mcp.server.mcpserver import Context
from mcp_types import ToolAnnotations

from .client import KeroroClient
from .follow import Report

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
RUN = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
DELETE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one tool result may carry inline, and the largest file a resource
    read returns. Base64 counts: the budgets are bytes on the wire, so with the
    defaults a result stays under ~0.9 MiB whatever the outputs."""

    #: Inline previews of one result together; the largest are dropped first.
    preview_budget_bytes: int = 512 * 1024
    #: Structured texts and values together; beyond it the largest go by resource URI.
    values_budget_bytes: int = 256 * 1024
    #: One text's or value's share of the summary text (structured content has it whole).
    text_chars_per_value: int = 2000
    resource_max_bytes: int = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class State:
    """The MCP server's lifespan value."""

    client: KeroroClient
    limits: Limits = field(default_factory=Limits)


def client_of(ctx: Context) -> KeroroClient:
    """The client of the current server."""
    return _state(ctx).client


def limits_of(ctx: Context) -> Limits:
    return _state(ctx).limits


def _state(ctx: Context) -> State:
    return cast(State, ctx.request_context.lifespan_context)  # the lifespan yields a State


def reporter(ctx: Context) -> Report:
    """Progress notifications for the current tool call (dropped by the SDK when the
    caller asked for none)."""
    async def report(progress: float, total: float | None, message: str) -> None:
        await ctx.report_progress(progress, total, message)
    return report
