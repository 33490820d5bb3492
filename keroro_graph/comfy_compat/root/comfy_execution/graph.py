"""``comfy_execution.graph``: ExecutionBlocker and the error types ComfyUI names."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import ExecutionBlocker


class DependencyCycleError(Exception):
    pass


class NodeInputError(Exception):
    pass


class NodeNotFoundError(Exception):
    pass


def get_input_info(class_def: Any, input_name: str, valid_inputs: Any = None) -> tuple[Any, Any, Any]:
    """(type, "required"|"optional"|"hidden", options) of one V1 input, or Nones."""
    valid_inputs = valid_inputs or class_def.INPUT_TYPES()
    for category in ("required", "optional", "hidden"):
        entry = (valid_inputs.get(category) or {}).get(input_name)
        if entry is not None:
            if isinstance(entry, str):
                return entry, category, {}
            return entry[0], category, (entry[1] if len(entry) > 1 else {})
    return None, None, None


__all__ = ["DependencyCycleError", "ExecutionBlocker", "NodeInputError", "NodeNotFoundError", "get_input_info"]
