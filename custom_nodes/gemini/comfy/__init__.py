"""ComfyUI's Gemini partner nodes under ComfyUI's own names, inputs and outputs
(declared by ``object_info.json``, generated from ComfyUI 0.29.0's ``/object_info``),
calling Gemini's ``generateContent`` directly with the user's own key through this
pack's ``GeminiClient``: Google's API, or a relay's Gemini-native passthrough when
the Gemini base URL (Settings → Providers → Gemini) points at Comfly or T8Star."""
from pathlib import Path

from keroro_graph.api import comfy_table

TABLE = comfy_table(Path(__file__).with_name("object_info.json"))

from . import (gemini_image2_node, gemini_image_node, gemini_input_files, gemini_nano_banana2,  # noqa: E402
               gemini_nano_banana2_v2, gemini_node, gemini_node_v2, gemini_video_omni)

__all__ = ["TABLE", "gemini_image2_node", "gemini_image_node", "gemini_input_files", "gemini_nano_banana2",
           "gemini_nano_banana2_v2", "gemini_node", "gemini_node_v2", "gemini_video_omni"]
