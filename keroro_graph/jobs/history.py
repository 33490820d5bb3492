"""History entries in ComfyUI's shape, built from job records: the ``status.messages``
list a run leaves behind and the ``/history`` entry of a finished job."""
from __future__ import annotations

from typing import Any

from ..engine.run import JobFailure, RunResult
from .backend import JobRecord, JobStatus


def status_messages(job_id: str, result: RunResult) -> list[list[Any]]:
    """``[[type, data], ...]``: execution_start, execution_cached, then the outcome."""
    messages: list[list[Any]] = [
        ["execution_start", {"prompt_id": job_id, "timestamp": result.started_ms}],
        ["execution_cached", {"nodes": list(result.cached), "prompt_id": job_id,
                              "timestamp": result.started_ms}],
    ]
    end = {"prompt_id": job_id, "timestamp": result.finished_ms}
    if result.status == "success":
        messages.append(["execution_success", end])
    elif result.status == "interrupted":
        messages.append(["execution_interrupted", {**end, "node_id": result.interrupted_node,
                                                   "executed": list(result.executed)}])
    else:
        error = result.failure or JobFailure(exception_type="", exception_message="")
        messages.append(["execution_error", {
            **end, "node_id": error.node_id, "node_type": error.node_type,
            "executed": list(result.executed), "exception_message": error.exception_message,
            "exception_type": error.exception_type, "traceback": list(error.traceback),
            "current_inputs": dict(error.current_inputs), "current_outputs": list(result.executed)}])
    return messages


def history_entry(job: JobRecord) -> dict[str, Any]:
    """One ``/history`` entry: prompt tuple, outputs, status, meta."""
    success = job.status is JobStatus.SUCCESS
    return {
        "prompt": [int(job.number) if float(job.number).is_integer() else job.number, job.id, job.prompt, job.extra_data, job.outputs_to_execute],
        "outputs": job.outputs if success else {},
        "status": {"status_str": "success" if success else "error", "completed": success,
                   "messages": job.messages},
        "meta": job.meta,
    }
