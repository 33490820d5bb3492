"""StringReplace: replace every occurrence of ``find`` in ``string`` (ComfyUI's node;
plain text, not a regular expression)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Text, node


@node("StringReplace")
def string_replace(
    string: Annotated[str, Text(multiline=True)],
    find: Annotated[str, Text(multiline=True)],
    replace: Annotated[str, Text(multiline=True)],
) -> str:
    """Replace every occurrence of find with replace."""
    return string.replace(find, replace)
