"""Job records into tool results: a text summary first (status, time, each output
with its full-size link), then small inline previews of output images, with the
same facts as structured content. A job still running becomes a job handle; a
failed one a tool error naming the node and what it raised. Secrets never appear:
job records arrive already redacted and links never carry the access token."""
from __future__ import annotations

import asyncio
import base64
from typing import Any

from mcp_types import CallToolResult, ImageContent, TextContent

from .client import KeroroClient
from .previews import MAX_PREVIEW_BYTES, Preview, is_image_name, make_preview

DEFAULT_MAX_PREVIEWS = 4


def output_files(client: KeroroClient, outputs: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(files, texts) of a job's ui outputs: each file with its ``/view`` URL."""
    files, texts = [], []
    for node_id, ui in (outputs or {}).items():
        for kind, items in (ui or {}).items():
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict) and "filename" in item:
                    files.append({"node_id": node_id, "kind": kind, "filename": item["filename"],
                                  "subfolder": item.get("subfolder", ""), "type": item.get("type", "output"),
                                  "url": client.view_url(item)})
                elif kind == "text" and isinstance(item, str):
                    texts.append({"node_id": node_id, "text": item})
    return files, texts


async def previews_for(client: KeroroClient, files: list[dict[str, Any]], *,
                       limit: int = DEFAULT_MAX_PREVIEWS) -> list[tuple[dict[str, Any], Preview]]:
    """Inline previews of the first ``limit`` image files (those that can be made
    small enough; the rest stay links only)."""
    found = []
    for file in files:
        if len(found) >= limit:
            break
        if not is_image_name(file["filename"]):
            continue
        data = await client.read_file(file)
        preview = await asyncio.to_thread(make_preview, data) if data else None
        if preview is not None and len(preview.data) <= MAX_PREVIEW_BYTES:
            found.append((file, preview))
    return found


async def job_result(client: KeroroClient, record: dict[str, Any], *, previews: bool = True,
                     max_previews: int = DEFAULT_MAX_PREVIEWS, graph: dict[str, Any] | None = None,
                     failure_is_error: bool = True) -> CallToolResult:
    """The tool result for a job record: a summary, previews and links when it
    succeeded; a job handle while it runs; for a failed job, what went wrong (a
    tool error when the call was the run itself, ``failure_is_error``)."""
    status = record.get("status")
    if status in ("queued", "running"):
        return job_handle(record["id"], status)
    if status != "success":
        return CallToolResult(content=[TextContent(text=failure_text(record, graph))], is_error=failure_is_error,
                              structured_content=_facts(record, [], []))
    files, texts = output_files(client, record.get("outputs") or {})
    shown = await previews_for(client, files, limit=max_previews) if previews else []
    content: list[Any] = [TextContent(text=summary_text(record, files, texts, shown))]
    content += [ImageContent(data=base64.b64encode(p.data).decode(), mime_type=p.mime_type) for _, p in shown]
    return CallToolResult(content=content, structured_content=_facts(record, files, texts, previews=len(shown)))


def job_handle(job_id: str, status: str, *, waited_s: float | None = None) -> CallToolResult:
    """The answer for a job that has not finished: not an error, a handle."""
    waited = f" after waiting {waited_s:g} s" if waited_s else ""
    text = (f"Job {job_id} is still {status}{waited}. It keeps running on the server: call get_job "
            f"with job_id {job_id!r} to check on it, get_outputs when it has finished, or cancel_job to stop it.")
    return CallToolResult(content=[TextContent(text=text)],
                          structured_content={"status": status, "job_id": job_id, "finished": False})


def summary_text(record: dict[str, Any], files: list[dict[str, Any]], texts: list[dict[str, Any]],
                 shown: list[tuple[dict[str, Any], Preview]]) -> str:
    duration = record.get("duration_s")
    took = f" in {duration:.1f} s" if isinstance(duration, (int, float)) else ""
    lines = [f"Job {record['id']} finished successfully{took}."]
    previewed = {id(f): p for f, p in shown}
    if files:
        lines.append(f"{len(files)} output file(s) (full size at the links):")
    for file in files:
        shown_as = previewed.get(id(file))
        note = f" [preview below, {shown_as.width}x{shown_as.height}]" if shown_as else ""
        lines.append(f"- node {file['node_id']} {file['kind']}: {file['filename']}{note} {file['url']}")
    for item in texts:
        lines.append(f"- node {item['node_id']} text: {item['text'][:2000]}")
    if not files and not texts:
        lines.append("It produced no files or text (no output node saved anything).")
    return "\n".join(lines)


def failure_text(record: dict[str, Any], graph: dict[str, Any] | None = None) -> str:
    """What went wrong, where, and what to do about it."""
    job_id, status = record.get("id"), record.get("status")
    error = record.get("error") or {}
    node_id = error.get("node_id")
    where = f"node {node_id} ({error.get('node_type') or _class_of(graph, node_id)})" if node_id else "the job"
    if status == "cancelled":
        return f"Job {job_id} was cancelled before it started."
    if status == "interrupted":
        return f"Job {job_id} was interrupted while running {where}; nothing after it ran."
    message = f"{error.get('exception_type', 'Error')}: {error.get('exception_message', 'no details')}"
    return (f"Job {job_id} failed at {where}: {message}\n"
            f"Change that node's inputs (describe_workflow lists them; overrides use "
            f"\"{node_id or 'NODE'}.INPUT\") or fix what the message names, then run again. "
            "get_job shows the full record.")


def _class_of(graph: dict[str, Any] | None, node_id: str | None) -> str:
    return ((graph or {}).get(node_id or "") or {}).get("class_type", "?")


def _facts(record: dict[str, Any], files: list[dict[str, Any]], texts: list[dict[str, Any]],
           *, previews: int = 0) -> dict[str, Any]:
    return {"status": record.get("status"), "job_id": record.get("id"), "finished": True,
            "duration_s": record.get("duration_s"), "files": files, "texts": texts,
            "previews": previews, "error": _without_traceback(record.get("error"))}


def _without_traceback(error: Any) -> Any:
    return {k: v for k, v in error.items() if k != "traceback"} if isinstance(error, dict) else error
