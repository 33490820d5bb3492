"""ComfyUI's Kling partner nodes under ComfyUI's own names, inputs and outputs
(declared by ``object_info.json``, from ComfyUI 0.29.0's ``/object_info``), calling
Kling's public API directly with the user's own access and secret keys through this
pack's ``KlingClient`` (JWT, retries, polling, capped downloads)."""
from pathlib import Path

from keroro_graph.api import comfy_table

TABLE = comfy_table(Path(__file__).with_name("object_info.json"))

from . import (kling_first_last_frame_node, kling_image_generation_node,  # noqa: E402
               kling_image_to_video_with_audio, kling_omni_pro_first_last_frame_node, kling_omni_pro_image_node,
               kling_omni_pro_image_to_video_node, kling_omni_pro_text_to_video_node,
               kling_text_to_video_with_audio, kling_video_node, refused_video_inputs)

__all__ = ["TABLE", "kling_first_last_frame_node", "kling_image_generation_node",
           "kling_image_to_video_with_audio", "kling_omni_pro_first_last_frame_node", "kling_omni_pro_image_node",
           "kling_omni_pro_image_to_video_node", "kling_omni_pro_text_to_video_node",
           "kling_text_to_video_with_audio", "kling_video_node", "refused_video_inputs"]
