"""Tool schemas that every model provider accepts. The SDK derives them from the
tools' signatures with pydantic, which writes an optional argument as
``anyOf: [{type: X}, {type: null}]`` with ``default: null`` — a shape several
providers reject in tool schemas. ``tidy`` rewrites such an argument as plain ``X``
(it simply stays out of ``required``); the tools still accept an absent value.
``JOB_RESULT_SCHEMA`` is the closed shape of a job result or handle
(``outputs.job_result``), the structured content of the run and job tools."""
from __future__ import annotations

import copy
from typing import Any, cast


def tidy(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` without null unions and null defaults, at any depth."""
    return cast("dict[str, Any]", _tidy(copy.deepcopy(schema)))


def _tidy(node: Any) -> Any:
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    variants = node.get("anyOf")
    if isinstance(variants, list):
        kept = [v for v in variants if not (isinstance(v, dict) and v.get("type") == "null")]
        if len(kept) < len(variants):
            node.pop("anyOf")
            if len(kept) == 1:
                node = {**kept[0], **node}
            else:
                node["anyOf"] = kept
    if "default" in node and node["default"] is None:
        node.pop("default")
    return {key: _tidy(value) for key, value in node.items()}


_FILE = {"type": "object", "title": "OutputFile", "properties": {
    "node_id": {"type": "string"}, "kind": {"type": "string", "description": "The ui key, e.g. images."},
    "filename": {"type": "string"}, "subfolder": {"type": "string"}, "type": {"type": "string"},
    "url": {"type": "string", "description": "Full size over HTTP (/view)."},
    "resource": {"type": "string", "description": "Full size as an MCP resource (resources/read)."}},
    "required": ["node_id", "kind", "filename", "url", "resource"], "additionalProperties": False}
_CUT = {"truncated": {"type": "boolean", "description": "Too large to travel inline: read it from resource."},
        "size_bytes": {"type": "integer"}, "resource": {"type": "string"}}
_TEXT = {"type": "object", "title": "OutputText", "properties": {
    "node_id": {"type": "string"}, "text": {"type": "string"}, **_CUT},
    "required": ["node_id"], "additionalProperties": False}
_VALUE = {"type": "object", "title": "OutputValue", "properties": {
    "node_id": {"type": "string"}, "key": {"type": "string", "description": "The ui key, e.g. value."},
    "value": {"description": "What the node reported under that key (usually a list)."}, **_CUT},
    "required": ["node_id", "key"], "additionalProperties": False}
_ERROR = {"type": "object", "title": "JobError", "description": "What failed: node, type and message.",
          "properties": {"node_id": {"type": "string"}, "node_type": {"type": "string"},
                         "exception_type": {"type": "string"}, "exception_message": {"type": "string"}}}

JOB_RESULT_SCHEMA: dict[str, Any] = {
    "type": "object", "title": "JobResult",
    "description": "A finished job's outputs, or a handle for one still queued or running.",
    "properties": {
        "status": {"type": "string", "enum": ["queued", "running", "success", "error", "interrupted", "cancelled"]},
        "job_id": {"type": "string"},
        "finished": {"type": "boolean"},
        "duration_s": {"type": "number"},
        "files": {"type": "array", "items": _FILE},
        "texts": {"type": "array", "items": _TEXT},
        "values": {"type": "array", "items": _VALUE},
        "previews": {"type": "integer", "description": "How many inline previews follow the text."},
        "error": _ERROR,
    },
    "required": ["status", "job_id", "finished"],
}

OUTPUT_LINKS_SCHEMA: dict[str, Any] = {
    "type": "object", "title": "OutputLinks",
    "description": "A job's outputs as MCP resource URIs (read them with resources/read).",
    "properties": {"job_id": {"type": "string"}, "status": {"type": "string"},
                   "resources": {"type": "array", "items": {"type": "string"}}},
    "required": ["job_id", "resources"], "additionalProperties": False,
}

#: Output schemas of the tools whose result the SDK cannot derive (they return a
#: CallToolResult with text, images or links beside the structured content).
OUTPUT_SCHEMAS: dict[str, dict[str, Any]] = {
    "run_workflow": JOB_RESULT_SCHEMA, "run_node": JOB_RESULT_SCHEMA, "get_job": JOB_RESULT_SCHEMA,
    "get_outputs": JOB_RESULT_SCHEMA, "list_outputs": OUTPUT_LINKS_SCHEMA,
}
