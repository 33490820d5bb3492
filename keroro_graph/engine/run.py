"""What goes into a run and what comes out: ``RunRequest``, ``RunResult`` and the one
typed failure, ``JobFailure``.

``JobFailure`` carries the fields of ComfyUI's ``execution_error`` message (node,
exception type and text, traceback, the failing node's inputs) and is the single
place a failure record is built: the engine (a node raised, a cycle), the job service
(a prompt that no longer validates when it runs), the job stores (a job lost with its
server, a poison job). Its stored and wire form is jobs/wire.py's ``failure_record``: the
engine knows none of ComfyUI's JSON keys.
"""
from __future__ import annotations

import traceback as _traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

from ..errors import _qualified
from ..graph.model import Graph
from .slots import JobSlot

RunStatus = Literal["success", "error", "interrupted"]

_INPUT_PREVIEW_CHARS = 200


@dataclass(frozen=True)
class JobFailure:
    """Why a run failed. ``node_id``/``node_type`` are None when no node is to blame
    (a cycle found before anything ran, a job whose server stopped)."""
    exception_type: str
    exception_message: str
    node_id: str | None = None
    node_type: str | None = None
    traceback: tuple[str, ...] = ()
    #: input name → short text previews of its values (ComfyUI's ``current_inputs``).
    current_inputs: Mapping[str, list[str]] = field(default_factory=dict)
    #: Validation errors per node, for a prompt refused when its job ran.
    node_errors: Mapping[str, Any] | None = None

    @classmethod
    def from_exception(cls, exc: BaseException, *, node_id: str | None = None,
                       node_type: str | None = None, inputs: Mapping[str, list[Any]] | None = None,
                       redact: Callable[[str], str] | None = None) -> JobFailure:
        """A node's exception as a failure; ``redact`` scrubs every text that leaves."""
        clean = redact or _same
        return cls(exception_type=_qualified(type(exc)), exception_message=clean(str(exc)),
                   node_id=node_id, node_type=node_type,
                   traceback=tuple(clean(line) for line in _traceback.format_exception(exc)),
                   current_inputs={k: [clean(preview(v)) for v in vals] for k, vals in (inputs or {}).items()})


@dataclass(frozen=True)
class NodeOrigin:
    """Where a node of a run comes from: itself, or (for a node an expansion added) the
    node shown in its place, the node that expanded, and the prompt's node it stands for."""
    display_node: str
    parent_node: str | None
    real_node_id: str


@dataclass
class RunRequest:
    job_id: str
    graph: Graph
    outputs: list[str]
    extra_data: dict[str, Any] = field(default_factory=dict)
    #: The job's slot, parked while the run only waits on async nodes (see slots.py).
    slot: JobSlot | None = None


@dataclass
class RunResult:
    status: RunStatus
    #: node id → ui output, cached nodes included (ComfyUI's history ``outputs``).
    ui: dict[str, Any]
    #: node id → its origin, for every node in ``ui``.
    meta: dict[str, NodeOrigin]
    executed: list[str]
    cached: list[str]
    started_ms: int
    finished_ms: int
    #: Set when ``status == "error"``.
    failure: JobFailure | None = None
    #: Set when ``status == "interrupted"``: the node that was running, and its class type.
    interrupted_node: str | None = None
    interrupted_type: str | None = None
    #: A batch's results per item (engine/batch_items.py), or None for a run of one.
    items: dict[str, Any] | None = None

    @classmethod
    def failed(cls, failure: JobFailure, *, at_ms: int) -> RunResult:
        """A run that failed before any node ran."""
        return cls(status="error", ui={}, meta={}, executed=[], cached=[], started_ms=at_ms,
                   finished_ms=at_ms, failure=failure)


def preview(value: Any) -> str:
    """A value as short text for ``current_inputs``."""
    text = str(value)
    return text if len(text) <= _INPUT_PREVIEW_CHARS else text[:_INPUT_PREVIEW_CHARS] + "…"


def _same(text: str) -> str:
    return text
