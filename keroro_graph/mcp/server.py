"""The MCP server: ``build_server(connect)`` returns an ``MCPServer`` whose tools run
saved workflows or graph JSON with overrides, follow jobs, and reach the node
catalogue, templates, uploads and settings of one Keroro Graph server. ``connect``
opens the KeroroClient for the server's lifetime (a remote server, or an embedded
one started for the occasion). This module holds the workflow and job tools;
``library.py`` the catalogue, template, upload and settings tools. Every tool talks
HTTP/WS through the client; errors are tool errors an assistant can act on."""
from __future__ import annotations

from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any, AsyncIterator, Callable, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from .. import __version__
from . import library
from .client import KeroroClient, ServerAnswerError, segment
from .context import DELETE, READ, RUN, client_of, reporter
from .outputs import DEFAULT_MAX_PREVIEWS, job_result, output_files
from .runs import DEFAULT_WAIT_S, run_and_wait, submit_batch
from .workflows import overridable_inputs, resolve_graph, with_overrides

Connect = Callable[[], AbstractAsyncContextManager[KeroroClient]]
JobStatusName = Literal["queued", "running", "success", "error", "interrupted", "cancelled"]

INSTRUCTIONS = """Keroro Graph runs node graphs (workflows) for AI image and video work.
Typical use: list_workflows or list_templates, describe_workflow to see the inputs you may
override ("NODE.INPUT" keys), then run_workflow with overrides. Long runs return a job
handle: follow up with get_job / get_outputs. Output files are linked by URL; small
previews come inline."""

WorkflowName = Annotated[str | None, Field(description="Name of a saved workflow (see list_workflows).")]
GraphJSON = Annotated[dict[str, Any] | None, Field(
    description="A graph instead of a saved name: an API graph {node_id: {class_type, inputs}}, "
                "a POST /prompt body, or a UI workflow as saved by the canvas.")]
Overrides = Annotated[dict[str, Any] | None, Field(
    description='Input values to change, keyed "NODE.INPUT" where NODE is a node id or title, '
                'e.g. {"3.seed": 42, "Headline.text": "Hello"}. describe_workflow lists the keys.')]
Wait = Annotated[float, Field(ge=0, le=3600, description=(
    "Seconds to wait for the run to finish. When it runs out you get a job handle (not an error) "
    "to follow with get_job / get_outputs; 0 queues and returns at once."))]
Previews = Annotated[bool, Field(description="Include small inline previews (≤512 px) of output images.")]
JobId = Annotated[str, Field(description="A job id as returned by run_workflow, batch_run or list_jobs.")]


async def list_workflows(ctx: Context) -> dict[str, Any]:
    """List the saved workflows (name, size in bytes, last modified as Unix seconds)."""
    return await client_of(ctx).get("/api/workflows")


async def describe_workflow(ctx: Context, workflow: WorkflowName = None, graph: GraphJSON = None) -> dict[str, Any]:
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
                              extra_data={"extra_pnginfo": resolved.extra_pnginfo} if resolved.extra_pnginfo else None)


async def batch_run(ctx: Context, override_sets: Annotated[list[dict[str, Any]], Field(
                        min_length=1, max_length=100,
                        description='One overrides mapping per run, e.g. [{"3.seed": 1}, {"3.seed": 2}].')],
                    workflow: WorkflowName = None, graph: GraphJSON = None) -> dict[str, Any]:
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
    return {"source": resolved.source, "jobs": await submit_batch(client, graphs)}


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
    return await run_and_wait(client, graph, report=reporter(ctx), wait_s=wait, previews=previews)


async def get_job(ctx: Context, job_id: JobId, previews: Annotated[bool, Field(
        description="Include inline previews when the job has finished.")] = False) -> CallToolResult:
    """A job's status, timing, outputs (with links) or error. Running jobs come back as a
    handle; call again later."""
    client = client_of(ctx)
    record = await _job(client, job_id)
    return await job_result(client, record, previews=previews, graph=record.get("prompt"), failure_is_error=False)


async def get_outputs(ctx: Context, job_id: JobId, previews: Previews = True,
                      max_previews: Annotated[int, Field(ge=0, le=16, description="At most this many previews.")]
                      = DEFAULT_MAX_PREVIEWS) -> CallToolResult:
    """A finished job's output files with their URLs (and text outputs), optionally with
    small inline previews of the images."""
    client = client_of(ctx)
    record = await _job(client, job_id)
    if record.get("status") == "success":
        return await job_result(client, record, previews=previews, max_previews=max_previews)
    files, texts = output_files(client, record.get("outputs") or {})
    if record.get("status") not in ("queued", "running") and (files or texts):
        return _partial_outputs(record, files, texts)
    return await job_result(client, record, graph=record.get("prompt"), failure_is_error=False)


def _partial_outputs(record: dict[str, Any], files: list[dict[str, Any]],
                     texts: list[dict[str, Any]]) -> CallToolResult:
    lines = [f"Job {record['id']} ended {record.get('status')}; outputs written before it stopped:"]
    lines += [f"- node {f['node_id']} {f['kind']}: {f['filename']} {f['url']}" for f in files]
    lines += [f"- node {t['node_id']} text: {t['text'][:2000]}" for t in texts]
    return CallToolResult(content=[TextContent(text="\n".join(lines))],
                          structured_content={"status": record.get("status"), "job_id": record["id"],
                                              "files": files, "texts": texts})


async def list_jobs(ctx: Context, status: Annotated[list[JobStatusName] | None, Field(
                        description="Only jobs with these statuses.")] = None,
                    limit: Annotated[int, Field(ge=1, le=200)] = 20,
                    offset: Annotated[int, Field(ge=0)] = 0) -> dict[str, Any]:
    """Recent jobs, newest first: id, status, timing and error summary."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    if status:
        params["status"] = ",".join(status)
    answer = await client_of(ctx).get("/api/jobs", params=params)
    keep = ("id", "status", "created_at", "started_at", "finished_at", "duration_s")
    jobs = [{**{k: j.get(k) for k in keep}, "error": (j.get("error") or {}).get("exception_message"),
             "output_nodes": sorted((j.get("outputs") or {}).keys())} for j in answer.get("jobs", [])]
    return {"jobs": jobs, "total": answer.get("total"), "limit": limit, "offset": offset}


async def cancel_job(ctx: Context, job_id: JobId) -> dict[str, Any]:
    """Cancel a queued job or interrupt a running one."""
    try:
        return await client_of(ctx).post(f"/api/jobs/{segment(job_id)}/cancel")
    except ServerAnswerError as exc:
        if exc.status == 409:
            raise ToolError(f"job {job_id} has already finished ({exc}); nothing to cancel") from exc
        raise


async def _job(client: KeroroClient, job_id: str) -> dict[str, Any]:
    try:
        return await client.get(f"/api/jobs/{segment(job_id)}")
    except ServerAnswerError as exc:
        if exc.status == 404:
            raise ToolError(f"no job {job_id!r}; list_jobs shows recent ones") from exc
        raise


TOOLS: list[tuple[Callable[..., Any], ToolAnnotations]] = [
    (list_workflows, READ), (describe_workflow, READ), (run_workflow, RUN), (batch_run, RUN),
    (run_node, RUN), (get_job, READ), (list_jobs, READ), (get_outputs, READ),
    (cancel_job, DELETE),
]


def build_server(connect: Connect, *, name: str = "keroro-graph") -> MCPServer:
    """The MCP server; ``connect()`` is entered once for the server's lifetime and
    yields the client every tool uses."""
    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[KeroroClient]:
        async with connect() as client:
            yield client

    server = MCPServer(name, title="Keroro Graph", instructions=INSTRUCTIONS, version=__version__,
                       lifespan=lifespan)
    for fn, hints in [*TOOLS, *library.TOOLS]:
        server.add_tool(fn, annotations=hints)
    return server
