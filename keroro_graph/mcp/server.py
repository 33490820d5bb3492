"""The MCP server: ``build_server(connect)`` returns an ``MCPServer`` whose tools run
saved workflows or graph JSON with overrides, follow jobs, and reach the node
catalogue, templates, uploads and settings of one Keroro Graph server. ``connect``
opens the KeroroClient for the server's lifetime (a remote server, or an embedded
one started for the occasion). This module holds the workflow and job tools;
``library.py`` the catalogue, template, upload and settings tools. Every tool talks
HTTP/WS through the client; errors are tool errors an assistant can act on."""
from __future__ import annotations

from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any, AsyncIterator, Callable, cast, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from .. import __version__
from . import library, planning, resources
from .arguments import GraphJSON, JobId, Overrides, Previews, Wait, WorkflowName
from .client import KeroroClient, ServerAnswerError, segment
from . import shapes
from .context import DELETE, READ, RUN, Limits, State, client_of, limits_of, reporter
from .outputs import DEFAULT_MAX_PREVIEWS, job_result
from .runs import DEFAULT_WAIT_S, run_and_wait, submit_batch
from .schemas import OUTPUT_SCHEMAS, tidy
from .workflows import overridable_inputs, resolve_graph, with_overrides

Connect = Callable[[], AbstractAsyncContextManager[KeroroClient]]
JobStatusName = Literal["queued", "running", "success", "error", "interrupted", "cancelled"]

INSTRUCTIONS = """Keroro Graph runs node graphs (workflows) for AI image and video work.
Typical use: list_workflows or list_templates, describe_workflow to see the inputs you may
override ("NODE.INPUT" keys), validate_workflow and estimate_cost to check a graph before
paying for it, then run_workflow with overrides. Long runs return a job handle (every
progress message names the job id too): follow up with get_job / get_outputs. Output files
are linked by URL and MCP resource URI (list_outputs); small previews come inline."""

async def list_workflows(ctx: Context) -> shapes.WorkflowList:
    """List the saved workflows (name, size in bytes, last modified as Unix seconds)."""
    return cast(shapes.WorkflowList, await client_of(ctx).get("/api/workflows"))


async def describe_workflow(ctx: Context, workflow: WorkflowName = None, graph: GraphJSON = None) -> shapes.WorkflowDescription:
    """Show a workflow's nodes and every input a caller may override: the override key
    ("NODE.INPUT"), node id, title, class type, input name, type, current value and limits."""
    client = client_of(ctx)
    resolved = await resolve_graph(client, workflow=workflow, graph=graph)
    info = await client.get("/object_info")
    nodes = [{"node_id": nid, "class_type": n.get("class_type"), "title": (n.get("_meta") or {}).get("title"),
              "output_node": bool((info.get(n.get("class_type", "")) or {}).get("output_node"))}
             for nid, n in resolved.graph.items()]
    return {"source": resolved.source, "nodes": nodes, "inputs": overridable_inputs(resolved.graph, info)}


async def run_workflow(ctx: Context, workflow: WorkflowName = None, graph: GraphJSON = None,
                       overrides: Overrides = None, wait: Wait = DEFAULT_WAIT_S,
                       previews: Previews = True) -> CallToolResult:
    """Run a saved workflow (by name) or a graph, with optional input overrides. Streams
    progress per node; returns a summary, links to the full outputs and small previews,
    or a job handle if it is still running when `wait` runs out."""
    client = client_of(ctx)
    resolved = await resolve_graph(client, workflow=workflow, graph=graph)
    prepared = with_overrides(resolved.graph, overrides, await client.get("/object_info")) if overrides \
        else resolved.graph
    return await run_and_wait(client, prepared, report=reporter(ctx), wait_s=wait, previews=previews,
                              limits=limits_of(ctx),
                              extra_data={"extra_pnginfo": resolved.extra_pnginfo} if resolved.extra_pnginfo else None)


async def batch_run(ctx: Context, override_sets: Annotated[list[dict[str, Any]], Field(
                        min_length=1, max_length=100,
                        description='One overrides mapping per run, e.g. [{"3.seed": 1}, {"3.seed": 2}].')],
                    workflow: WorkflowName = None, graph: GraphJSON = None) -> shapes.BatchAnswer:
    """Queue one workflow once per override set without waiting; returns a job handle per
    run (follow them with get_job / get_outputs)."""
    client = client_of(ctx)
    resolved = await resolve_graph(client, workflow=workflow, graph=graph)
    info = await client.get("/object_info")
    graphs = []
    for index, overrides in enumerate(override_sets):
        try:
            graphs.append(with_overrides(resolved.graph, overrides, info))
        except ToolError as exc:
            raise ToolError(f"override set {index}: {exc}") from exc
    return {"source": resolved.source, "jobs": cast("list[shapes.BatchEntry]", await submit_batch(client, graphs))}


async def run_node(ctx: Context, class_type: Annotated[str, Field(description="The node type, e.g. ImageGradient.")],
                   inputs: Annotated[dict[str, Any], Field(
                       description="The node's inputs by name (describe_node lists them); values only, no links.")],
                   wait: Wait = DEFAULT_WAIT_S, previews: Previews = True) -> CallToolResult:
    """Run a single node with the given inputs, for a quick single step. Its outputs are
    shown (images as previews, anything else as text)."""
    client = client_of(ctx)
    info = await library.node_info(client, class_type)
    graph: dict[str, Any] = {"1": {"class_type": class_type, "inputs": inputs}}
    if not info.get("output_node"):
        for index, kind in enumerate(info.get("output") or []):
            viewer = ("PreviewImage", "images") if kind == "IMAGE" else ("PreviewAny", "source")
            graph[f"view{index}"] = {"class_type": viewer[0], "inputs": {viewer[1]: ["1", index]}}
    return await run_and_wait(client, graph, report=reporter(ctx), wait_s=wait, previews=previews,
                              limits=limits_of(ctx))


async def get_job(ctx: Context, job_id: JobId, previews: Annotated[bool, Field(
        description="Include inline previews when the job has finished.")] = False) -> CallToolResult:
    """A job's status, timing, outputs (with links) or error. Running jobs come back as a
    handle; call again later."""
    client = client_of(ctx)
    record = await _job(client, job_id)
    return await job_result(client, record, previews=previews, graph=record.get("prompt"), failure_is_error=False,
                            limits=limits_of(ctx))


async def get_outputs(ctx: Context, job_id: JobId, previews: Previews = True,
                      max_previews: Annotated[int, Field(ge=0, le=16, description=(
                          "At most this many previews; together they stay within the server's preview "
                          "budget (the largest are left out first)."))] = DEFAULT_MAX_PREVIEWS) -> CallToolResult:
    """A job's outputs: files with their URLs and resource URIs, texts and every other
    value its nodes reported, optionally with small inline previews of the images.
    A job that failed or was interrupted shows what it wrote before it stopped."""
    client = client_of(ctx)
    record = await _job(client, job_id)
    return await job_result(client, record, previews=previews, max_previews=max_previews,
                            graph=record.get("prompt"), failure_is_error=False, limits=limits_of(ctx))


async def list_jobs(ctx: Context, status: Annotated[list[JobStatusName] | None, Field(
                        description="Only jobs with these statuses.")] = None,
                    limit: Annotated[int, Field(ge=1, le=200)] = 20,
                    offset: Annotated[int, Field(ge=0)] = 0) -> shapes.JobList:
    """Recent jobs, newest first: id, status, timing and error summary."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    if status:
        params["status"] = ",".join(status)
    answer = await client_of(ctx).get("/api/runs", params=params)
    keep = ("id", "status", "created_at", "started_at", "finished_at", "duration_s")
    jobs = [{**{k: j.get(k) for k in keep}, "error": (j.get("error") or {}).get("exception_message"),
             "output_nodes": sorted((j.get("outputs") or {}).keys())} for j in answer.get("jobs", [])]
    return {"jobs": cast("list[shapes.JobSummary]", jobs), "total": answer.get("total"), "limit": limit, "offset": offset}


async def cancel_job(ctx: Context, job_id: JobId) -> shapes.CancelAnswer:
    """Cancel a queued job or interrupt a running one."""
    try:
        return cast(shapes.CancelAnswer, await client_of(ctx).post(f"/api/runs/{segment(job_id)}/cancel"))
    except ServerAnswerError as exc:
        if exc.status == 409:
            raise ToolError(f"job {job_id} has already finished ({exc}); nothing to cancel") from exc
        raise


async def _job(client: KeroroClient, job_id: str) -> dict[str, Any]:
    try:
        return cast("dict[str, Any]", await client.get(f"/api/runs/{segment(job_id)}"))
    except ServerAnswerError as exc:
        if exc.status == 404:
            raise ToolError(f"no job {job_id!r}; list_jobs shows recent ones") from exc
        raise


TOOLS: list[tuple[Callable[..., Any], ToolAnnotations]] = [
    (list_workflows, READ), (describe_workflow, READ), (run_workflow, RUN), (batch_run, RUN),
    (run_node, RUN), (get_job, READ), (list_jobs, READ), (get_outputs, READ),
    (cancel_job, DELETE),
]
def build_server(connect: Connect, *, name: str = "keroro-graph", limits: Limits | None = None) -> MCPServer:
    """The MCP server; ``connect()`` is entered once for the server's lifetime and
    yields the client every tool uses. ``limits`` bound what one answer carries."""
    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[State]:
        async with connect() as client:
            yield State(client, limits or Limits())

    server = MCPServer(name, title="Keroro Graph", instructions=INSTRUCTIONS, version=__version__,
                       lifespan=lifespan)
    for fn, hints in [*TOOLS, *planning.TOOLS, *library.TOOLS]:
        server.add_tool(fn, title=fn.__name__.replace("_", " ").capitalize(), annotations=hints)
    for tool in server._tool_manager.list_tools():  # the SDK derives the schemas; we tidy them
        tool.parameters = tidy(tool.parameters)
        if tool.name in OUTPUT_SCHEMAS:
            tool.output_schema = OUTPUT_SCHEMAS[tool.name]
    resources.register(server)
    return server
