"""ExecutionBlocker: an output value that stops its consumers from running
(ComfyUI's ``comfy_execution.graph_utils.ExecutionBlocker``).

A blocker with a message makes its first consumer report an ``ExecutionBlocked``
error and pass on a silent blocker; a silent blocker propagates without a word. The
job continues either way.
"""
from __future__ import annotations


class ExecutionBlocker:
    __slots__ = ("message",)

    def __init__(self, message: str | None) -> None:
        self.message = message

    def __repr__(self) -> str:
        return f"ExecutionBlocker({self.message!r})"
