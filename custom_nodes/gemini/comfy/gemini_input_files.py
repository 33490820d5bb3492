"""GeminiInputFiles: a PDF or text file from the input folder, added to a list of
files for a Gemini node (chain several to send more than one)."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated, Any

from keroro_graph.api import BadRequestError, Combo, NodeContext, Output, node, socket

FILES = socket("GEMINI_INPUT_FILES", list)
#: Gemini reads these inline; larger files would need its Files API.
SUFFIXES = {".pdf": "application/pdf", ".txt": "text/plain"}
MAX_FILE_BYTES = 20 * 1024 * 1024


def input_files(ctx: Any = None) -> list[str]:
    """PDF and text files in the input folder (the combo's choices)."""
    folder = getattr(getattr(ctx, "paths", None), "input", None)
    if folder is None or not Path(folder).is_dir():
        return []
    return sorted(p.name for p in Path(folder).iterdir()
                  if p.is_file() and p.suffix.lower() in SUFFIXES and p.stat().st_size <= MAX_FILE_BYTES)


@node("GeminiInputFiles", category="partner/text/Gemini", display_name="Gemini Input Files")
def gemini_input_files(
    ctx: NodeContext,
    file: Annotated[str, Combo(options=input_files, tooltip="A .pdf or .txt file in the input folder.")],
    GEMINI_INPUT_FILES: FILES | None = None,  # noqa: N803 - ComfyUI's input name
) -> Annotated[FILES, Output(name="GEMINI_INPUT_FILES")]:
    """Attach a PDF or text file to a Gemini prompt."""
    path = (Path(ctx.paths.input) / file).resolve()
    if Path(ctx.paths.input).resolve() not in path.parents or not path.is_file():
        raise BadRequestError(f"file: {file!r} is not a file in the input folder", provider="gemini")
    if path.suffix.lower() not in SUFFIXES or path.stat().st_size > MAX_FILE_BYTES:
        raise BadRequestError(f"file: {file!r} must be a .pdf or .txt of at most {MAX_FILE_BYTES:,} bytes",
                              provider="gemini")
    part = {"inlineData": {"mimeType": SUFFIXES[path.suffix.lower()],
                           "data": base64.b64encode(path.read_bytes()).decode("ascii")}}
    return [part, *(GEMINI_INPUT_FILES or [])]
