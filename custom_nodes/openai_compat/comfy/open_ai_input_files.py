"""OpenAIInputFiles ("OpenAI ChatGPT Input Files"): a PDF or text file from the input
folder, added to a list of files for OpenAIChatNode (chain several for more)."""
from __future__ import annotations

from typing import Annotated, Any

from keroro_graph.api import Combo, NodeContext, Output, node, provider_media, socket

FILES = socket("OPENAI_INPUT_FILES", list)
MIME_TYPES = {".pdf": "application/pdf", ".txt": "text/plain"}
#: ComfyUI lists files under 32 MB.
MAX_FILE_BYTES = 32 * 1024 * 1024


def input_files(ctx: Any = None) -> list[str]:
    return provider_media.input_files(ctx, tuple(MIME_TYPES), max_bytes=MAX_FILE_BYTES)


@node("OpenAIInputFiles", category="partner/text/OpenAI", display_name="OpenAI ChatGPT Input Files")
def open_ai_input_files(ctx: NodeContext, file: Annotated[str, Combo(options=input_files)],
                        OPENAI_INPUT_FILES: FILES | None = None,  # noqa: N803 - ComfyUI's input name
                        ) -> Annotated[FILES, Output(name="OPENAI_INPUT_FILES")]:
    """Attach a PDF or text file (from the input folder) to an OpenAI chat."""
    url, name = provider_media.document_data_url(ctx, file, MIME_TYPES, max_bytes=MAX_FILE_BYTES,
                                                 provider="openai_custom")
    return [{"type": "file", "file": {"filename": name, "file_data": url}}, *(OPENAI_INPUT_FILES or [])]
