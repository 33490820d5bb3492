"""Job records into tool results: a text summary first (status, time, every output:
files with their full-size link and MCP resource URI, texts, and every other ui
value a node reported — numbers, strings, lists, booleans, JSON), then small inline
previews of output images, with the same facts complete as structured content.

Every result stays well under 1 MiB on the wire (older SSE clients fail above it):
previews share one byte budget per result (``Limits.preview_budget_bytes``,
dropped largest first, with a note); values too big to travel inline are replaced
by the resource URI that returns them whole, so nothing is lost. A job still
running becomes a job handle; a failed one a tool error naming the node and what
it raised. Secrets never appear: job records arrive already redacted and links
never carry the access token."""
from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from typing import Any

from mcp_types import CallToolResult, ImageContent, TextContent

from .client import KeroroClient
from .context import Limits
from .previews import MAX_PREVIEW_BYTES, Preview, is_image_name, make_preview
from .resources import file_uri, value_uri

DEFAULT_MAX_PREVIEWS = 4
#: ui keys that describe other outputs rather than being outputs themselves.
_METADATA_KEYS = frozenset({"animated"})


@dataclass
class Outputs:
    """A job's ui outputs sorted into what a caller needs."""

    files: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.files or self.texts or self.values)


def collect_outputs(client: KeroroClient, job_id: str, outputs: dict[str, Any], *,
                    limits: Limits = Limits()) -> Outputs:
    """Every ui output of every node: files (with ``/view`` URL and resource URI),
    texts, and the other values as the node reported them (the whole list)."""
    found = Outputs()
    for node_id, ui in (outputs or {}).items():
        for key, items in (ui or {}).items() if isinstance(ui, dict) else []:
            listed = items if isinstance(items, list) else [items]
            if key in _METADATA_KEYS:
                continue
            files = [i for i in listed if isinstance(i, dict) and "filename" in i]
            for item in files:
                found.files.append({"node_id": node_id, "kind": key, "filename": item["filename"],
                                    "subfolder": item.get("subfolder", ""), "type": item.get("type", "output"),
                                    "url": client.view_url(item), "resource": file_uri(item)})
            rest = [i for i in listed if not (isinstance(i, dict) and "filename" in i)]
            if key == "text" and rest and all(isinstance(i, str) for i in rest):
                found.texts += [{"node_id": node_id, "text": text} for text in rest]
            elif rest:
                value = rest if isinstance(items, list) else items
                found.values.append({"node_id": node_id, "key": key, "value": value})
    _fit_values(found, job_id, limits.values_budget_bytes)
    return found


def _fit_values(found: Outputs, job_id: str, budget: int) -> None:
    """Replace the largest texts/values by their resource URI until they fit."""
    entries = [(e, "text") for e in found.texts] + [(e, "value") for e in found.values]
    sizes = {id(e): len(json.dumps(e[k], ensure_ascii=False, default=str)) for e, k in entries}
    total = sum(sizes.values())
    for entry, key in sorted(entries, key=lambda pair: -sizes[id(pair[0])]):
        if total <= budget:
            break
        total -= sizes[id(entry)]
        ui_key = "text" if key == "text" else entry["key"]
        entry.pop(key)
        entry.update(truncated=True, size_bytes=sizes[id(entry)],
                     resource=value_uri(job_id, entry["node_id"], ui_key))


async def previews_for(client: KeroroClient, files: list[dict[str, Any]], *, limit: int = DEFAULT_MAX_PREVIEWS,
                       budget_bytes: int | None = None) -> tuple[list[tuple[dict[str, Any], Preview]], int]:
    """Inline previews of the first ``limit`` image files (those that can be made
    small enough; the rest stay links only), then the largest dropped until their
    base64 fits ``budget_bytes``. Returns (kept, how many were dropped for it)."""
    found: list[Any] = []
    for file in files:
        if len(found) >= limit:
            break
        if not is_image_name(file["filename"]):
            continue
        data = await client.read_file(file)
        preview = await asyncio.to_thread(make_preview, data) if data else None
        if preview is not None and len(preview.data) <= MAX_PREVIEW_BYTES:
            found.append((file, preview))
    if budget_bytes is None:
        return found, 0
    kept = list(found)
    for pair in sorted(found, key=lambda p: -len(p[1].data)):
        if sum(_wire_size(p) for _, p in kept) <= budget_bytes:
            break
        kept.remove(pair)
    return kept, len(found) - len(kept)


def _wire_size(preview: Preview) -> int:
    return (len(preview.data) + 2) // 3 * 4


async def job_result(client: KeroroClient, record: dict[str, Any], *, previews: bool = True,
                     max_previews: int = DEFAULT_MAX_PREVIEWS, graph: dict[str, Any] | None = None,
                     failure_is_error: bool = True, limits: Limits = Limits()) -> CallToolResult:
    """The tool result for a job record: a summary, previews and links when it
    succeeded; a job handle while it runs; for a failed job, what went wrong (a
    tool error when the call was the run itself, ``failure_is_error``)."""
    status = record.get("status")
    if status in ("queued", "running"):
        return job_handle(record["id"], status)
    found = collect_outputs(client, record["id"], record.get("outputs") or {}, limits=limits)
    if status != "success":
        text = failure_text(record, graph)
        if not found.empty:
            text += "\n" + "\n".join(["Outputs written before it stopped:", *output_lines(found, {}, limits)])
        return CallToolResult(content=[TextContent(text=text)], is_error=failure_is_error,
                              structured_content=_facts(record, found))
    shown, dropped = await previews_for(client, found.files, limit=max_previews,
                                        budget_bytes=limits.preview_budget_bytes) if previews else ([], 0)
    text = summary_text(record, found, shown, limits)
    if dropped:
        text += (f"\n{dropped} preview(s) left out to keep this answer under "
                 f"{limits.preview_budget_bytes // 1024} KiB; read the files by their resource URI or link.")
    content: list[Any] = [TextContent(text=text)]
    content += [ImageContent(data=base64.b64encode(p.data).decode(), mime_type=p.mime_type) for _, p in shown]
    return CallToolResult(content=content, structured_content=_facts(record, found, previews=len(shown)))


def job_handle(job_id: str, status: str, *, waited_s: float | None = None) -> CallToolResult:
    """The answer for a job that has not finished: not an error, a handle."""
    waited = f" after waiting {waited_s:g} s" if waited_s else ""
    text = (f"Job {job_id} is still {status}{waited}. It keeps running on the server: call get_job "
            f"with job_id {job_id!r} to check on it, get_outputs when it has finished, or cancel_job to stop it.")
    return CallToolResult(content=[TextContent(text=text)],
                          structured_content={"status": status, "job_id": job_id, "finished": False})


def summary_text(record: dict[str, Any], found: Outputs, shown: list[tuple[dict[str, Any], Preview]],
                 limits: Limits = Limits()) -> str:
    duration = record.get("duration_s")
    took = f" in {duration:.1f} s" if isinstance(duration, (int, float)) else ""
    lines = [f"Job {record['id']} finished successfully{took}."]
    if found.files:
        lines.append(f"{len(found.files)} output file(s) (full size at the links or resource URIs):")
    lines += output_lines(found, {id(f): p for f, p in shown}, limits)
    if found.empty:
        lines.append("It produced no outputs (no output node reported anything).")
    return "\n".join(lines)


def output_lines(found: Outputs, previewed: dict[int, Preview], limits: Limits) -> list[str]:
    """One line per file, text and value; long texts and values are cut in the text
    (the structured content, or the resource, has them whole)."""
    lines = []
    for file in found.files:
        shown_as = previewed.get(id(file))
        note = f" [preview below, {shown_as.width}x{shown_as.height}]" if shown_as else ""
        lines.append(f"- node {file['node_id']} {file['kind']}: {file['filename']}{note} {file['url']}")
    cut = limits.text_chars_per_value
    for item in found.texts:
        lines.append(f"- node {item['node_id']} text: " + _shown(item.get("text"), item, cut))
    for item in found.values:
        lines.append(f"- node {item['node_id']} {item['key']}: " + _shown(item.get("value"), item, cut))
    return lines


def _shown(value: Any, entry: dict[str, Any], cut: int) -> str:
    if entry.get("truncated"):
        return f"({entry['size_bytes']} bytes; read it whole from {entry['resource']})"
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= cut else text[:cut] + f"… ({len(text)} characters in all; see structured content)"


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
    return str(((graph or {}).get(node_id or "") or {}).get("class_type", "?"))


def _facts(record: dict[str, Any], found: Outputs, *, previews: int = 0) -> dict[str, Any]:
    facts = {"status": record.get("status"), "job_id": record.get("id"), "finished": True,
             "duration_s": record.get("duration_s"), "files": found.files, "texts": found.texts,
             "values": found.values, "previews": previews, "error": _without_traceback(record.get("error"))}
    return {key: value for key, value in facts.items() if value is not None}


def _without_traceback(error: Any) -> Any:
    return {k: v for k, v in error.items() if k != "traceback"} if isinstance(error, dict) else error
