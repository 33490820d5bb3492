"""OpenAIInputFiles ("OpenAI ChatGPT Input Files"): a PDF or text file from the input
folder, added to a list of files for OpenAIChatNode (chain several for more)."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import BadRequestError, Combo, NodeContext, Output, node, provider_media, socket

FILES = socket("OPENAI_INPUT_FILES", list)
MIME_TYPES = {".pdf": "application/pdf", ".txt": "text/plain"}
#: ComfyUI lists files under 32 MB.
MAX_FILE_BYTES = 32 * 1024 * 1024


def input_files(ctx: Any = None) -> list[str]:
    """PDF and text files in the input folder (the combo's choices)."""
    return provider_media.input_files(ctx, tuple(MIME_TYPES), max_bytes=MAX_FILE_BYTES)


@node("OpenAIInputFiles", category="partner/text/OpenAI", display_name="OpenAI ChatGPT Input Files")
def open_ai_input_files(
    ctx: NodeContext,
    file: Annotated[str, Combo(options=input_files, tooltip="A .pdf or .txt file in the input folder.")],
    OPENAI_INPUT_FILES: FILES | None = None,  # noqa: N803 - ComfyUI's input name
) -> Annotated[FILES, Output(name="OPENAI_INPUT_FILES")]:
    """Attach a PDF or text file to an OpenAI chat."""
    try:
        data, path = provider_media.read_input_file(ctx, file, tuple(MIME_TYPES), max_bytes=MAX_FILE_BYTES)
    except ValueError as exc:
        raise BadRequestError(str(exc), provider="openai_custom") from None
    part = {"type": "file", "file": {"filename": path.name,
                                     "file_data": provider_media.data_url(data, MIME_TYPES[path.suffix.lower()])}}
    return [part, *(OPENAI_INPUT_FILES or [])]
