"""GeminiInputFiles: a PDF or text file from the input folder, added to a list of
files for a Gemini node (chain several to send more than one)."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import Combo, NodeContext, Output, node, provider_media, socket

FILES = socket("GEMINI_INPUT_FILES", list)
MIME_TYPES = {".pdf": "application/pdf", ".txt": "text/plain"}
#: Gemini reads these inline; larger files would need its Files API.
MAX_FILE_BYTES = 20 * 1024 * 1024


def input_files(ctx: Any = None) -> list[str]:
    return provider_media.input_files(ctx, tuple(MIME_TYPES), max_bytes=MAX_FILE_BYTES)


@node("GeminiInputFiles", category="partner/text/Gemini", display_name="Gemini Input Files")
def gemini_input_files(ctx: NodeContext, file: Annotated[str, Combo(options=input_files)],
                       GEMINI_INPUT_FILES: FILES | None = None,  # noqa: N803 - ComfyUI's input name
                       ) -> Annotated[FILES, Output(name="GEMINI_INPUT_FILES")]:
    """Attach a PDF or text file (from the input folder) to a Gemini prompt."""
    url, _ = provider_media.document_data_url(ctx, file, MIME_TYPES, max_bytes=MAX_FILE_BYTES, provider="gemini")
    mime, data = url[len("data:"):].split(";base64,", 1)
    return [{"inlineData": {"mimeType": mime, "data": data}}, *(GEMINI_INPUT_FILES or [])]
