"""StringCompare: whether ``string_a`` starts with, ends with or equals ``string_b``
(ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated, Literal

from keroro_graph.api import Bool, Text, node


@node("StringCompare", display_name="Compare Text")
def string_compare(
    string_a: Annotated[str, Text(multiline=True)],
    string_b: Annotated[str, Text(multiline=True)],
    mode: Literal["Starts With", "Ends With", "Equal"],
    case_sensitive: Annotated[bool, Bool(default=True)],
) -> bool:
    """Compare two texts."""
    a, b = (string_a, string_b) if case_sensitive else (string_a.lower(), string_b.lower())
    if mode == "Starts With":
        return a.startswith(b)
    if mode == "Ends With":
        return a.endswith(b)
    return a == b
