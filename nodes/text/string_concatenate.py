"""StringConcatenate: ``string_a + delimiter + string_b`` (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Text, node


@node("StringConcatenate")
def string_concatenate(
    string_a: Annotated[str, Text(multiline=True)],
    string_b: Annotated[str, Text(multiline=True)],
    delimiter: Annotated[str, Text(default="")],
) -> str:
    """Join two strings with a delimiter between them."""
    return delimiter.join((string_a, string_b))
