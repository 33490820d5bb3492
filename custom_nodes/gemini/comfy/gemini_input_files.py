"""GeminiInputFiles: a PDF or text file from the input folder, added to a list of
files for a Gemini node (chain several to send more than one)."""
from __future__ import annotations

import base64
from typing import Annotated, Any

from keroro_graph.api import BadRequestError, Combo, NodeContext, Output, node, provider_media, socket

FILES = socket("GEMINI_INPUT_FILES", list)
#: Gemini reads these inline; larger files would need its Files API.
MIME_TYPES = {".pdf": "application/pdf", ".txt": "text/plain"}
MAX_FILE_BYTES = 20 * 1024 * 1024


def input_files(ctx: Any = None) -> list[str]:
    """PDF and text files in the input folder (the combo's choices)."""
    return provider_media.input_files(ctx, tuple(MIME_TYPES), max_bytes=MAX_FILE_BYTES)


@node("GeminiInputFiles", category="partner/text/Gemini", display_name="Gemini Input Files")
def gemini_input_files(
    ctx: NodeContext,
    file: Annotated[str, Combo(options=input_files, tooltip="A .pdf or .txt file in the input folder.")],
    GEMINI_INPUT_FILES: FILES | None = None,  # noqa: N803 - ComfyUI's input name
) -> Annotated[FILES, Output(name="GEMINI_INPUT_FILES")]:
    """Attach a PDF or text file to a Gemini prompt."""
    try:
        data, path = provider_media.read_input_file(ctx, file, tuple(MIME_TYPES), max_bytes=MAX_FILE_BYTES)
    except ValueError as exc:
        raise BadRequestError(str(exc), provider="gemini") from None
    part = {"inlineData": {"mimeType": MIME_TYPES[path.suffix.lower()], "data": base64.b64encode(data).decode("ascii")}}
    return [part, *(GEMINI_INPUT_FILES or [])]
