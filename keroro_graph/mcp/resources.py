"""Outputs as MCP resources, so an assistant can read a full-size file or a whole
value that a tool result only linked: ``keroro://output/{type}/{filename}?subfolder=``
is an output file (image, video, audio, text …) as ComfyUI's ``/view`` serves it,
``keroro://job/{job_id}/output/{node_id}/{key}`` one ui output value of a job as
JSON. Reads go through the server's HTTP API like every tool; a file larger than
the resource cap is refused with its URL instead (clients choke on huge blobs)."""
from __future__ import annotations

import json
import mimetypes
from typing import Any, Callable, cast

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.server.mcpserver.resources import ResourceTemplate
from mcp.shared.uri_template import UriTemplate

from .client import ServerAnswerError, segment
from .context import client_of, limits_of

FILE_TEMPLATE = "keroro://output/{type}/{filename}{?subfolder}"
VALUE_TEMPLATE = "keroro://job/{job_id}/output/{node_id}/{key}"
_FILE = UriTemplate.parse(FILE_TEMPLATE)
_VALUE = UriTemplate.parse(VALUE_TEMPLATE)


def file_uri(ref: dict[str, Any]) -> str:
    """The resource URI of an output file reference ``{filename, subfolder, type}``."""
    params = {"type": ref.get("type") or "output", "filename": ref.get("filename", "")}
    if ref.get("subfolder"):
        params["subfolder"] = ref["subfolder"]
    return _FILE.expand(params)


def value_uri(job_id: str, node_id: str, key: str) -> str:
    """The resource URI of one ui output value of a job."""
    return _VALUE.expand({"job_id": job_id, "node_id": node_id, "key": key})


async def output_file(ctx: Context, type: str, filename: str, subfolder: str = "") -> bytes:
    """An output file of a job, full size."""
    client = client_of(ctx)
    ref = {"filename": filename, "subfolder": subfolder, "type": type}
    cap = limits_of(ctx).resource_max_bytes
    data = await client.read_file(ref, max_bytes=cap)
    if data is None:
        raise ResourceError(f"{filename} is missing or larger than {cap // 1024} KiB; download it from "
                            f"{client.view_url(ref)}")
    return data


async def output_value(ctx: Context, job_id: str, node_id: str, key: str) -> str:
    """One ui output value of a job (``{"value": [...]}`` as the node reported it), as JSON."""
    try:
        record = await client_of(ctx).get(f"/api/runs/{segment(job_id)}")
    except ServerAnswerError as exc:
        if exc.status == 404:
            raise ResourceNotFoundError(f"no job {job_id!r}") from exc
        raise
    ui = (record.get("outputs") or {}).get(node_id)
    if not isinstance(ui, dict) or key not in ui:
        raise ResourceNotFoundError(f"job {job_id} has no output {key!r} from node {node_id}")
    return json.dumps(ui[key], ensure_ascii=False)


class _TypedTemplate(ResourceTemplate):
    """A resource template whose MIME type follows the URI's file name."""

    async def create_resource(self, uri: str, params: dict[str, Any], context: Any) -> Any:
        resource: Any = await super().create_resource(uri, params, context)
        if self.uri_template == FILE_TEMPLATE:
            resource.mime_type = mimetypes.guess_type(str(params.get("filename", "")))[0] \
                or "application/octet-stream"
        return resource


def register(server: MCPServer) -> None:
    """Add the output resource templates to ``server``."""
    entries = [(output_file, FILE_TEMPLATE, "output-file", "Output file", "application/octet-stream"),
               (output_value, VALUE_TEMPLATE, "output-value", "Output value", "application/json")]
    manager = server._resource_manager  # the SDK offers no public door for a template subclass
    for fn, uri, name, title, mime in entries:
        manager._templates[uri] = _TypedTemplate.from_function(
            cast("Callable[..., Any]", fn), uri_template=uri, name=name, title=title, description=fn.__doc__, mime_type=mime)
