"""TextLines: each non-blank line of a text as one item of a batch (a list of
prompts, say), so the graph runs once per line. Blank text is a validation error."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Output, Text, node
from nodes.batch._items import check_count


def _lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    check_count(len(lines), "the text")
    return lines


def _validate(text: str) -> bool | str:
    try:
        _lines(text)
    except ValueError as exc:
        return str(exc)
    return True


@node("TextLines", category="batch", validate=_validate, items=lambda text: len(_lines(text)))
def text_lines(
    text: Annotated[str, Text(multiline=True, default="", tooltip="One item per line; blank lines are skipped.")],
) -> tuple[Annotated[str, Output(name="line", is_list=True)], Annotated[int, Output(name="index", is_list=True)]]:
    """Split a text into lines; downstream nodes run once per line."""
    lines = _lines(text)
    return lines, list(range(len(lines)))  # type: ignore[return-value]  # a list output: one value per item
