"""PreviewAny: show any value as text on the node ("Preview as Text" in ComfyUI).

Strings show as they are, numbers and booleans through ``str``, dicts and lists as
indented JSON, arrays as their shape and dtype (printing a whole IMAGE helps nobody),
and anything else through ``str``. The text is also an output so it can be wired on.
"""
from __future__ import annotations

import json
from typing import Annotated, Any

import numpy as np

from keroro_graph.api import ANY, Input, Result, node


def describe(value: Any) -> str:
    """The text PreviewAny shows for ``value``."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return str(value)
    if isinstance(value, np.ndarray):
        return f"array shape={list(value.shape)} dtype={value.dtype}"
    try:
        return json.dumps(value, indent=4)
    except (TypeError, ValueError):
        try:
            return str(value)
        except Exception:  # noqa: BLE001 - a foreign object's __str__ may raise anything
            return "source exists, but could not be shown as text"


@node("PreviewAny", display_name="Preview as Text", output=True)
def preview_any(
    source: Annotated[ANY, Input(tooltip="Any value to show as text.")],
) -> str:
    """Show any value as text on the node."""
    text = describe(source)
    return Result(text, ui={"text": [text]})  # type: ignore[return-value]
