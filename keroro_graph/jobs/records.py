"""What the job service writes and answers besides the run itself: the answer to a
submit, a record's ``extra_data`` without credentials, values made plain JSON before
they are stored, and the failure of a queued prompt that no longer validates when its
job runs (a node pack was removed meanwhile)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import jsonpieces
from ..engine.run import JobFailure, RunResult
from ..graph.validate import ValidationResult
from ..heap import large_work
from . import wire

#: extra_data keys that carry credentials and are never stored (ComfyUI's list).
SENSITIVE_EXTRA_KEYS = frozenset({"auth_token_comfy_org", "api_key_comfy_org"})


@dataclass
class SubmitResult:
    prompt_id: str
    number: float
    accepted: bool
    node_errors: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        if self.accepted:
            return wire.prompt_answer(self.prompt_id, self.number, self.node_errors)
        return {"error": self.error, "node_errors": self.node_errors}


def plain_json(value: Any) -> Any:
    """``value`` with anything JSON cannot hold (numpy scalars, paths) made text, so a
    node's odd ``ui`` value can never leave a job stuck as running."""
    return json.loads(plain_json_text(value))


def plain_json_text(value: Any) -> str:
    """The JSON text ``plain_json`` reads back (non-ASCII kept as it is)."""
    return json.dumps(value, default=str, ensure_ascii=False)


def clean(value: Any, redact_json: Callable[[Any], Any]) -> Any:
    """``plain_json(value)`` scrubbed, written once: the scrub is asked about the text
    first (as it would ask about the document), and walks the copy only when that text
    may hold a secret."""
    if value is None or value == {} or value == []:  # nothing to make plain or scrub
        return value
    text = plain_json_text(value)
    plain = json.loads(text)
    return plain if redact_json(text) is text else redact_json(plain)


def clean_large(value: Any, redact_json: Callable[[Any], Any]) -> Any:
    """``clean`` for a large document (100k outputs), in a worker thread: written, read
    back and searched a piece at a time (one json.dumps/loads or regex pass over 11 MB
    holds the GIL, and so the event loop, for 100+ ms)."""
    with large_work():
        text = jsonpieces.dumps(value, depth=2, default=str, ensure_ascii=False)
        return redact_json(jsonpieces.loads(text, depth=2))


def sanitise_extra_data(extra: dict[str, Any]) -> dict[str, Any]:
    """extra_data without credentials (they are never stored or echoed back)."""
    return {k: v for k, v in extra.items() if k not in SENSITIVE_EXTRA_KEYS}


def invalid_at_run(job_id: str, checked: ValidationResult) -> RunResult:
    error = checked.error or {}
    return RunResult.failed(JobFailure(
        exception_type="ValidationError", node_errors=checked.node_errors,
        exception_message=f"{error.get('message', 'invalid prompt')}: {error.get('details', '')}"),
        at_ms=int(time.time() * 1000))
