"""ComfyUI's OpenAI partner nodes under ComfyUI's own names, inputs and outputs
(declared by ``object_info.json``, from ComfyUI 0.29.0's ``/object_info``), calling
the provider "openai_custom" directly with the user's own key: OpenAI itself, or any
OpenAI-compatible endpoint (OhMyGPT, CherryIN, a local server) chosen by its region
or base URL in Settings → Providers."""
from pathlib import Path

from keroro_graph.api import comfy_table

TABLE = comfy_table(Path(__file__).with_name("object_info.json"))

from . import (open_ai_chat_config, open_ai_chat_node, open_ai_dalle2, open_ai_dalle3,  # noqa: E402
               open_ai_gpt_image1, open_ai_gpt_image_node_v2, open_ai_input_files)

__all__ = ["TABLE", "open_ai_chat_config", "open_ai_chat_node", "open_ai_dalle2", "open_ai_dalle3",
           "open_ai_gpt_image1", "open_ai_gpt_image_node_v2", "open_ai_input_files"]
