"""RegexExtract: the first match, all matches, the first group or one group of every
match of a regular expression, joined by new lines (ComfyUI's node). An invalid
pattern gives an empty string, as in ComfyUI."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from keroro_graph.api import Bool, Int, Text, node


@node("RegexExtract", display_name="Extract Text")
def regex_extract(
    string: Annotated[str, Text(multiline=True)],
    regex_pattern: Annotated[str, Text(multiline=True)],
    mode: Literal["First Match", "All Matches", "First Group", "All Groups"],
    case_insensitive: Annotated[bool, Bool(default=True)],
    multiline: Annotated[bool, Bool(default=False)],
    dotall: Annotated[bool, Bool(default=False)],
    group_index: Annotated[int, Int(default=1, min=0, max=100)],
) -> str:
    """Extract text with a regular expression."""
    flags = (re.IGNORECASE if case_insensitive else 0) | (re.MULTILINE if multiline else 0) \
        | (re.DOTALL if dotall else 0)
    try:
        pattern = re.compile(regex_pattern, flags)
    except re.error:
        return ""
    if mode == "First Match":
        found = pattern.search(string)
        return found.group(0) if found else ""
    if mode == "All Matches":
        return "\n".join(m.group(0) if not m.groups() else (m.group(1) or "") for m in pattern.finditer(string))
    if mode == "First Group":
        found = pattern.search(string)
        return (found.group(group_index) or "") if found and len(found.groups()) >= group_index else ""
    return "\n".join(m.group(group_index) or "" for m in pattern.finditer(string)
                     if m.groups() and len(m.groups()) >= group_index)
