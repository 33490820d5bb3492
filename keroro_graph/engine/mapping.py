"""List mapping and execution blockers: how one node call becomes several, and how
their results merge (ComfyUI's ``_async_map_node_over_list`` and
``merge_result_data`` semantics).

Every input reaches a node as a list: a constant is a one-element list, a link is the
producer's output list. Without INPUT_IS_LIST the function runs once per index up to
the longest list (shorter lists repeat their last item); with it, once with whole
lists. Outputs marked OUTPUT_IS_LIST concatenate across calls; others collect one item
per call.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..registry.blocker import ExecutionBlocker
from ..registry.spec import NodeOutput, NodeSpec


def plan_calls(spec: NodeSpec, inputs: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The keyword arguments of each call the node must make."""
    if spec.input_is_list:
        return [dict(inputs)]
    if not inputs:
        return [{}]
    longest = max(len(v) for v in inputs.values())
    if longest == 0:
        return [{}]
    if longest == 1:
        return [{k: (v[0] if v else None) for k, v in inputs.items()}]
    return [{k: (v[i] if i < len(v) else (v[-1] if v else None)) for k, v in inputs.items()}
            for i in range(longest)]


def blocker_in(call: dict[str, Any], whole_lists: bool) -> ExecutionBlocker | None:
    """The first ExecutionBlocker among a call's arguments, if any."""
    for value in call.values():
        if whole_lists and isinstance(value, list):
            for item in value:
                if isinstance(item, ExecutionBlocker):
                    return item
        elif isinstance(value, ExecutionBlocker):
            return value
    return None


@dataclass
class Merged:
    outputs: tuple[list[Any], ...]
    ui: dict[str, Any] | None = None
    #: The message of the first blocker with one (reported once, then silenced).
    block_message: str | None = None
    expand: list[dict[str, Any]] = field(default_factory=list)
    #: Each call's own NodeOutput, kept when a call expanded (links resolve per call).
    calls: list[NodeOutput] = field(default_factory=list)
    #: Items of a batch that failed alone (their outputs are blockers); a result with
    #: failures is not cached, so a re-run retries just those items.
    failed: int = 0
    #: With more than one call: ui key → the call (batch item) each ui entry came from.
    ui_items: dict[str, list[int]] | None = None


class ResultMerger:
    """Accumulates the NodeOutputs of a node's calls into one list per output slot."""

    def __init__(self, spec: NodeSpec) -> None:
        self._spec = spec
        self._lists: list[list[Any]] = [[] for _ in spec.outputs]
        self._ui: dict[str, list[Any]] | None = None
        self._ui_items: dict[str, list[int]] = {}
        self._index = 0  # the call being added (a batch item)
        self._expand: list[dict[str, Any]] = []
        self._calls: list[NodeOutput] = []
        self.block_message: str | None = None

    def add_blocked(self, blocker: ExecutionBlocker) -> None:
        if blocker.message is not None and self.block_message is None:
            self.block_message = blocker.message
        silent = ExecutionBlocker(None)
        for out in self._lists:
            out.append(silent)
        self._calls.append(NodeOutput(values=(silent,) * len(self._lists)))
        self._index += 1

    def add(self, result: NodeOutput) -> None:
        self._calls.append(result)
        values = result.values
        for index, out in enumerate(self._lists):
            value = values[index] if index < len(values) else None
            if self._spec.outputs[index].is_list and isinstance(value, (list, tuple)):
                out.extend(value)
            else:
                out.append(value)
        if result.ui:
            if self._ui is None:
                self._ui = {}
            for key, value in result.ui.items():
                bucket = self._ui.setdefault(key, [])
                entries = value if isinstance(value, (list, tuple)) else [value]
                bucket.extend(entries)
                self._ui_items.setdefault(key, []).extend([self._index] * len(entries))
        if result.expand:
            self._expand.append(result.expand)
        self._index += 1

    def result(self) -> Merged:
        return Merged(outputs=tuple(self._lists), ui=self._ui, block_message=self.block_message,
                      expand=self._expand, calls=self._calls if self._expand else [],
                      ui_items=self._ui_items if self._index > 1 and self._ui_items else None)
