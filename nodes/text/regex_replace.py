"""RegexReplace: replace what a regular expression matches (``count`` 0: every match)
(ComfyUI's node). A bad pattern is an error naming the pattern."""
from __future__ import annotations

import re
from typing import Annotated

from keroro_graph.api import Bool, Int, Text, node


@node("RegexReplace", display_name="Replace Text (Regex)")
def regex_replace(
    string: Annotated[str, Text(multiline=True)],
    regex_pattern: Annotated[str, Text(multiline=True)],
    replace: Annotated[str, Text(multiline=True)],
    case_insensitive: Annotated[bool | None, Bool(default=True)] = None,
    multiline: Annotated[bool | None, Bool(default=False)] = None,
    dotall: Annotated[bool | None, Bool(default=False)] = None,
    count: Annotated[int | None, Int(default=0, min=0, max=100)] = None,
) -> str:
    """Find and replace text with a regular expression."""
    flags = (re.IGNORECASE if case_insensitive is not False else 0) | (re.MULTILINE if multiline else 0) \
        | (re.DOTALL if dotall else 0)
    try:
        return re.sub(regex_pattern, replace, string, count=count or 0, flags=flags)
    except re.error as exc:
        raise ValueError(f"regex_pattern {regex_pattern!r} or replace {replace!r} is not valid: {exc}") from exc
