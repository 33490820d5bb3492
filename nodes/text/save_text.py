"""SaveText: write text into the output folder as ``<prefix>_<counter:05>.<format>``
(JSON pretty-printed when it parses), shown on the node (ComfyUI's node)."""
from __future__ import annotations

import json
from typing import Annotated, Literal

from keroro_graph.api import NodeContext, Output, Result, Text, node
from nodes.image.io._files import SaveTarget


@node("SaveText", output=True)
def save_text(
    ctx: NodeContext,
    text: Annotated[str, Text(force_input=True)],
    filename_prefix: Annotated[str, Text(default="ComfyUI", tooltip="File name prefix; may hold a subfolder.")],
    format: Literal["txt", "md", "json"] = "txt",  # noqa: A002 - ComfyUI's input name
) -> Annotated[str, Output(name="text")]:
    """Save text to a file in the output folder."""
    content = text
    if format == "json":
        try:
            content = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except json.JSONDecodeError:
            pass  # ComfyUI saves text that is not JSON as it is
    target = SaveTarget(ctx.paths.output, filename_prefix, kind="output", width=1, height=1)
    path, entry = target.claim(format, trailing="")
    partial = path.with_name(path.name + ".part")
    partial.write_text(content, encoding="utf-8")
    partial.replace(path)
    return Result(text, ui={"text": [text], "files": [entry]})  # type: ignore[return-value]
