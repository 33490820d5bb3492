"""ComfyUI's Wan partner nodes (Wan and HappyHorse, Alibaba's video and image models)
under ComfyUI's own names, inputs and outputs (declared by ``object_info.json``, from
ComfyUI 0.29.0's ``/object_info``), calling DashScope's async synthesis API directly
with the user's own "dashscope" key and region, through this pack's
``DashScopeClient``."""
from pathlib import Path

from keroro_graph.api import comfy_table

TABLE = comfy_table(Path(__file__).with_name("object_info.json"))

from . import (happy_horse_image_to_video_api, happy_horse_reference_video_api,  # noqa: E402
               happy_horse_text_to_video_api, happy_horse_video_edit_api, wan2_image_to_video_api,
               wan2_reference_video_api, wan2_text_to_video_api, wan2_video_continuation_api, wan2_video_edit_api,
               wan_image_to_image_api, wan_image_to_video_api, wan_reference_video_api, wan_text_to_image_api,
               wan_text_to_video_api)

__all__ = ["TABLE", "happy_horse_image_to_video_api", "happy_horse_reference_video_api",
           "happy_horse_text_to_video_api", "happy_horse_video_edit_api", "wan2_image_to_video_api",
           "wan2_reference_video_api", "wan2_text_to_video_api", "wan2_video_continuation_api",
           "wan2_video_edit_api", "wan_image_to_image_api", "wan_image_to_video_api", "wan_reference_video_api",
           "wan_text_to_image_api", "wan_text_to_video_api"]
