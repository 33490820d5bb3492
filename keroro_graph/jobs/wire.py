"""ComfyUI's wire rendering, in one place: the JSON messages our events become on the
WebSocket (``(type, data)``, with ComfyUI's names, keys and key order), the
``status.messages`` a finished job keeps in its history (the same messages, made by the
same functions, as ComfyUI records what it broadcast), the ``meta`` of its nodes and its
``/history`` entry. The engine hands typed events and a ``RunResult``; the stores keep
what this module renders as opaque JSON; only this module knows ComfyUI's keys.
Framing (JSON text, binary preview frames) is server/messages.py's.
"""
from __future__ import annotations

import json
from typing import Any

from ..engine.events import (Event, ItemFailed, JobFailed, JobInterrupted, JobRecorded, JobStarted, JobSucceeded,
                             NodeBlocked, NodeFinished, NodeProgress, NodesCached, NodeStarted, NodeStored,
                             QueueChanged)
from ..engine.run import JobFailure, NodeOrigin, RunResult
from .backend import JobRecord, JobStatus

#: One message: ComfyUI's ``type`` and its ``data``.
Message = tuple[str, dict[str, Any]]


# --- the messages, one function each ------------------------------------------------------

def status(queue_remaining: int, sid: str | None = None) -> Message:
    data: dict[str, Any] = {"status": {"exec_info": {"queue_remaining": queue_remaining}}}
    if sid is not None:
        data["sid"] = sid
    return "status", data


def executing(job_id: str, node: str | None, display_node: str | None = None) -> Message:
    """``executing``: a node started (``node`` None: the job is over and recorded)."""
    if node is None:
        return "executing", {"node": None, "prompt_id": job_id}
    return "executing", {"node": node, "display_node": display_node or node, "prompt_id": job_id}


def node_state(job_id: str, node_id: str, state: str, value: float = 0.0, max_: float = 1.0) -> Message:
    """``progress_state`` for the one node that changed (ComfyUI resends every node
    each time, which grows quadratically with the graph)."""
    entry = {"value": value, "max": max_, "state": state, "node_id": node_id, "prompt_id": job_id,
             "display_node_id": node_id, "parent_node_id": None, "real_node_id": node_id}
    return "progress_state", {"prompt_id": job_id, "nodes": {node_id: entry}}


def execution_start(job_id: str, timestamp_ms: int) -> Message:
    return "execution_start", {"prompt_id": job_id, "timestamp": timestamp_ms}


def execution_cached(job_id: str, nodes: list[str], timestamp_ms: int) -> Message:
    return "execution_cached", {"nodes": nodes, "prompt_id": job_id, "timestamp": timestamp_ms}


def execution_success(job_id: str, timestamp_ms: int) -> Message:
    return "execution_success", {"prompt_id": job_id, "timestamp": timestamp_ms}


def execution_error(job_id: str, *, node_id: str | None, node_type: str | None, executed: list[str],
                    exception_message: str, exception_type: str, traceback: list[str],
                    current_inputs: Any, timestamp_ms: int | None) -> Message:
    data = {"prompt_id": job_id, "node_id": node_id, "node_type": node_type, "executed": executed,
            "exception_message": exception_message, "exception_type": exception_type, "traceback": traceback,
            "current_inputs": current_inputs, "current_outputs": list(executed)}
    if timestamp_ms is not None:
        data["timestamp"] = timestamp_ms
    return "execution_error", data


def execution_interrupted(job_id: str, *, node_id: str | None, node_type: str | None, executed: list[str],
                          timestamp_ms: int) -> Message:
    return "execution_interrupted", {"prompt_id": job_id, "node_id": node_id, "node_type": node_type,
                                     "executed": executed, "timestamp": timestamp_ms}


def preview_metadata(job_id: str, node_id: str, mime: str) -> dict[str, Any]:
    """The JSON head of a binary preview frame for clients that asked for metadata."""
    return {"node_id": node_id, "prompt_id": job_id, "display_node_id": node_id, "parent_node_id": None,
            "real_node_id": node_id, "image_type": mime}


# --- events → messages ------------------------------------------------------------------------

def event_messages(event: Event) -> list[Message]:
    """The messages one event becomes on the WebSocket, in ComfyUI's order."""
    job = event.job_id
    if isinstance(event, QueueChanged):
        return [status(event.queue_remaining)]
    if isinstance(event, JobStarted):
        return [execution_start(job, event.timestamp_ms)]
    if isinstance(event, NodesCached):
        return [execution_cached(job, list(event.node_ids), event.timestamp_ms)]
    if isinstance(event, NodeStarted):
        return [node_state(job, event.node_id, "running"), executing(job, event.node_id, event.display_node_id)]
    if isinstance(event, NodeProgress):
        return [("progress", {"value": event.value, "max": event.max, "prompt_id": job, "node": event.node_id}),
                node_state(job, event.node_id, "running", event.value, event.max)]
    if isinstance(event, NodeFinished):
        out: list[Message] = []
        if event.ui:
            out.append(("executed", {"node": event.node_id, "display_node": event.display_node_id,
                                     "output": event.ui, "prompt_id": job}))
        out.append(node_state(job, event.node_id, "finished", 1.0, 1.0))
        return out
    return _endings(event)


def _endings(event: Event) -> list[Message]:
    job = event.job_id
    if isinstance(event, NodeStored):  # ours: served from the paid-result store, nothing paid
        return [("execution_stored", {"nodes": [event.node_id], "prompt_id": job, "items": event.items,
                                      "total": event.total, "timestamp": event.timestamp_ms})]
    if isinstance(event, ItemFailed):  # ours: one item of a batch failed, the others go on
        return [("execution_item_error", {"prompt_id": job, "node_id": event.node_id, "node_type": event.class_type,
                                          "item": event.item, "total": event.total,
                                          "exception_message": event.message})]
    if isinstance(event, NodeBlocked):
        # ComfyUI's blocked node: an execution_error without a timestamp, the job goes on
        name, data = execution_error(job, node_id=event.node_id, node_type=event.class_type, executed=[],
                                     exception_message=f"Execution Blocked: {event.message}",
                                     exception_type="ExecutionBlocked", traceback=[], current_inputs=[],
                                     timestamp_ms=None)
        return [(name, data)]
    if isinstance(event, JobSucceeded):
        return [execution_success(job, event.timestamp_ms)]
    if isinstance(event, JobFailed):
        out = [node_state(job, event.node_id, "error")] if event.node_id else []
        return out + [execution_error(
            job, node_id=event.node_id or None, node_type=event.class_type or None, executed=list(event.executed),
            exception_message=event.message, exception_type=event.exception_type,
            traceback=list(event.traceback), current_inputs=event.current_inputs, timestamp_ms=event.timestamp_ms)]
    if isinstance(event, JobInterrupted):
        return [execution_interrupted(job, node_id=event.node_id, node_type=event.class_type,
                                      executed=list(event.executed), timestamp_ms=event.timestamp_ms)]
    if isinstance(event, JobRecorded):
        return [executing(job, None)]
    return []


# --- a finished run → its history and its record -------------------------------------------

def failure_record(failure: JobFailure) -> dict[str, Any]:
    """A failure as a job record's ``error``: the fields of ComfyUI's ``execution_error``
    (plus ``node_errors`` for a prompt that no longer validated when its job ran)."""
    out: dict[str, Any] = {
        "node_id": failure.node_id, "node_type": failure.node_type,
        "exception_type": failure.exception_type, "exception_message": failure.exception_message,
        "traceback": list(failure.traceback), "current_inputs": dict(failure.current_inputs)}
    if failure.node_errors is not None:
        out["node_errors"] = dict(failure.node_errors)
    return out


def history_messages(job_id: str, result: RunResult) -> list[list[Any]]:
    """``status.messages`` (``[[type, data], ...]``): execution_start, execution_cached,
    for a batch our ``execution_items`` (its results per item, read by galleries), then
    the outcome — what the WebSocket carried, as ComfyUI records it."""
    messages = [execution_start(job_id, result.started_ms),
                execution_cached(job_id, list(result.cached), result.started_ms)]
    if result.items:
        messages.append(("execution_items", {"prompt_id": job_id, **result.items}))
    end, executed = result.finished_ms, list(result.executed)
    if result.status == "success":
        messages.append(execution_success(job_id, end))
    elif result.status == "interrupted":
        messages.append(execution_interrupted(job_id, node_id=result.interrupted_node,
                                              node_type=result.interrupted_type, executed=executed,
                                              timestamp_ms=end))
    else:
        failure = result.failure or JobFailure(exception_type="", exception_message="")
        messages.append(execution_error(
            job_id, node_id=failure.node_id, node_type=failure.node_type, executed=executed,
            exception_message=failure.exception_message, exception_type=failure.exception_type,
            traceback=list(failure.traceback), current_inputs=dict(failure.current_inputs), timestamp_ms=end))
    return [[name, data] for name, data in messages]


def batch_items(job: JobRecord) -> dict[str, Any] | None:
    """A finished batch's results per item (its ``execution_items`` message), or None."""
    return messages_items(job.messages)


def messages_items(messages: Any) -> dict[str, Any] | None:
    """``batch_items`` of a job's ``messages``."""
    for entry in messages:
        if isinstance(entry, (list, tuple)) and len(entry) >= 2 and entry[0] == "execution_items" \
                and isinstance(entry[1], dict):
            return {k: v for k, v in entry[1].items() if k != "prompt_id"}
    return None


def history_meta(result: RunResult) -> dict[str, Any]:
    """node id → ComfyUI's ``meta`` entry (every node with a ui output)."""
    return {node_id: node_meta(node_id, origin) for node_id, origin in result.meta.items()}


def node_meta(node_id: str, origin: NodeOrigin) -> dict[str, Any]:
    return {"node_id": node_id, "display_node": origin.display_node, "parent_node": origin.parent_node,
            "real_node_id": origin.real_node_id}


def prompt_answer(prompt_id: str, number: float, node_errors: dict[str, Any]) -> dict[str, Any]:
    """``POST /prompt``'s answer to an accepted prompt."""
    return {"prompt_id": prompt_id, "number": plain_number(number), "node_errors": node_errors}


def queue_item(job: JobRecord) -> list[Any]:
    """ComfyUI's ``[number, prompt_id, prompt, extra_data, outputs_to_execute]`` (``/queue``
    items and the ``prompt`` of a ``/history`` entry)."""
    return [plain_number(job.number), job.id, job.prompt, job.extra_data, job.outputs_to_execute]


def plain_number(value: float) -> float | int:
    """Priorities are floats inside; integral ones show as integers (as in ComfyUI)."""
    return int(value) if float(value).is_integer() else value


def history_entry_text(job: dict[str, Any]) -> list[bytes]:
    """``history_entry`` composed from a record as stored (JobBackend.list_text: JSON
    fields as their stored text in byte pieces), never decoded: the same document."""
    success = job["status"] == JobStatus.SUCCESS

    def text(value: Any) -> bytes:
        return json.dumps(value).encode()
    return [b'{"prompt":[', text(plain_number(job["number"])), b",", text(job["id"]), b",", *job["prompt"],
            b",", *job["extra_data"], b",", *job["outputs_to_execute"], b'],"outputs":',
            *(job["outputs"] if success else [b"{}"]),
            b',"status":{"status_str":', text("success" if success else "error"), b',"completed":',
            text(success), b',"messages":', *job["messages"], b'},"meta":', *job["meta"], b"}"]


def history_entry(job: JobRecord) -> dict[str, Any]:
    """One ``/history`` entry: prompt tuple, outputs, status, meta."""
    success = job.status is JobStatus.SUCCESS
    return {
        "prompt": queue_item(job),
        "outputs": job.outputs if success else {},
        "status": {"status_str": "success" if success else "error", "completed": success,
                   "messages": job.messages},
        "meta": job.meta,
    }
