"""The MCP tools for deciding before paying and for keeping work: check a graph
without running it (``validate_workflow``, the node errors the server would give),
what a run would cost (``estimate_cost``), save a workflow (refusing to overwrite
unless asked), and a job's outputs as MCP resource links (``list_outputs``). Each is
one or two HTTP calls through the KeroroClient."""
from __future__ import annotations

from typing import Annotated, Any, Callable, cast

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import Field
from typing_extensions import TypedDict

from .client import ServerAnswerError, segment
from . import shapes
from .arguments import GraphJSON, Overrides, WorkflowName
from .context import READ, WRITE, client_of, limits_of
from .outputs import collect_outputs
from .resources import value_uri
from .workflows import resolve_graph, validation_text, with_overrides

class Validation(TypedDict):
    valid: bool
    summary: str
    node_errors: dict[str, Any]
    outputs: list[str]


class Estimate(TypedDict, total=False):
    available: bool
    summary: str
    total: dict[str, float]
    nodes: dict[str, Any]


async def _prepared(ctx: Context, workflow: str | None, graph: Any, overrides: dict[str, Any] | None
                    ) -> dict[str, Any]:
    client = client_of(ctx)
    resolved = await resolve_graph(client, workflow=workflow, graph=graph)
    if not overrides:
        return resolved.graph
    return with_overrides(resolved.graph, overrides, await client.get("/object_info"))


async def validate_workflow(ctx: Context, workflow: WorkflowName = None, graph: GraphJSON = None,
                            overrides: Overrides = None) -> Validation:
    """Check a workflow without running it: the node errors the server would give
    (unknown nodes, missing or out-of-range inputs, bad links, missing provider keys),
    in words, with the output nodes that would run."""
    prepared = await _prepared(ctx, workflow, graph, overrides)
    answer = await client_of(ctx).post("/api/workflows/validate", json_body=prepared)
    if answer.get("valid") and not answer.get("node_errors"):
        summary = f"The graph is valid; output node(s) {', '.join(answer.get('outputs') or []) or 'none'} would run."
    elif answer.get("valid"):
        summary = validation_text({"error": {"message": "some outputs would be skipped"},
                                   "node_errors": answer["node_errors"]}, prepared)
    else:
        summary = validation_text(answer, prepared)
    return {"valid": bool(answer.get("valid")), "summary": summary, "node_errors": answer.get("node_errors") or {},
            "outputs": answer.get("outputs") or []}


async def estimate_cost(ctx: Context, workflow: WorkflowName = None, graph: GraphJSON = None,
                        overrides: Overrides = None) -> Estimate:
    """What running the workflow would cost at the providers' list prices, per node and
    in total per currency (results the server already has count as 0)."""
    prepared = await _prepared(ctx, workflow, graph, overrides)
    try:
        answer = await client_of(ctx).post("/api/prompt/estimate", json_body={"prompt": prepared})
    except ServerAnswerError as exc:
        if exc.status in (404, 405):
            return {"available": False, "summary": "This server does not estimate costs yet; provider nodes are "
                                                   "billed by each provider at its own prices."}
        raise ToolError(f"no estimate: {exc}") from exc
    total = answer.get("total") or {}
    shown = ", ".join(f"{amount:g} {currency}" for currency, amount in total.items()) or "nothing"
    unknown = [nid for nid, n in (answer.get("nodes") or {}).items() if n.get("amount") in (None, "unknown")]
    summary = f"Estimated cost: {shown}." + (f" Unknown price for node(s) {', '.join(unknown)}." if unknown else "")
    return {"available": True, "summary": summary, "total": total, "nodes": answer.get("nodes") or {}}


async def save_workflow(ctx: Context, name: Annotated[str, Field(description="The name to save it under.")],
                        graph: Annotated[dict[str, Any], Field(description="The workflow: API graph or UI workflow.")],
                        overwrite: Annotated[bool, Field(
                            description="Replace a saved workflow of that name (refused otherwise).")] = False
                        ) -> shapes.Saved:
    """Save a workflow on the server so run_workflow can run it by name (known secret
    values in it are masked). Refuses to replace an existing one unless overwrite is true."""
    try:
        saved = await client_of(ctx).put(f"/api/workflows/{segment(name)}", json_body=graph,
                                         params={"overwrite": "true" if overwrite else "false"})
        return cast(shapes.Saved, saved)
    except ServerAnswerError as exc:
        if exc.status == 409:
            raise ToolError(f"a workflow named {name!r} already exists; pass overwrite: true to replace it, "
                            "or choose another name") from exc
        raise ToolError(f"workflow {name!r} not saved: {exc}") from exc


async def list_outputs(ctx: Context, job_id: Annotated[str, Field(description="A job id (run_workflow, list_jobs).")]
                       ) -> CallToolResult:
    """A job's outputs as MCP resource links: full-size files (read them with
    resources/read) and every other value its nodes reported."""
    client = client_of(ctx)
    try:
        record = await client.get(f"/api/runs/{segment(job_id)}")
    except ServerAnswerError as exc:
        if exc.status == 404:
            raise ToolError(f"no job {job_id!r}; list_jobs shows recent ones") from exc
        raise
    found = collect_outputs(client, job_id, record.get("outputs") or {}, limits=limits_of(ctx))
    links: list[Any] = [ResourceLink(uri=f["resource"], name=f["filename"], title=f"node {f['node_id']} {f['kind']}")
                        for f in found.files]
    for item in [*found.texts, *found.values]:
        key = item.get("key", "text")
        links.append(ResourceLink(uri=value_uri(job_id, item["node_id"], key), name=f"{item['node_id']}.{key}",
                                  mime_type="application/json", title=f"node {item['node_id']} {key}"))
    text = (f"Job {job_id} ({record.get('status')}) has {len(links)} output(s); read any with resources/read."
            if links else f"Job {job_id} ({record.get('status')}) has no outputs yet.")
    return CallToolResult(content=[TextContent(text=text), *links],
                          structured_content={"job_id": job_id, "status": record.get("status"),
                                              "resources": [link.uri for link in links]})


TOOLS: list[tuple[Callable[..., Any], ToolAnnotations]] = [
    (validate_workflow, READ), (estimate_cost, READ), (save_workflow, WRITE), (list_outputs, READ),
]
