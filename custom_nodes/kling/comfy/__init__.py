"""ComfyUI's Kling partner nodes under ComfyUI's own names, inputs and outputs
(declared by ``object_info.json``, from ComfyUI 0.29.0's ``/object_info``), calling
Kling's public API directly with the user's own access and secret keys through this
pack's ``KlingClient`` (JWT, retries, polling, capped downloads)."""
from pathlib import Path

from keroro_graph.api import comfy_table

TABLE = comfy_table(Path(__file__).with_name("object_info.json"))

from . import (kling_avatar_node, kling_camera_control_i2v_node, kling_camera_control_t2v_node,  # noqa: E402
               kling_camera_controls, kling_dual_character_video_effect_node, kling_first_last_frame_node,
               kling_image2_video_node, kling_image_generation_node, kling_image_to_video_with_audio,
               kling_lip_sync_audio_to_video_node, kling_lip_sync_text_to_video_node,
               kling_omni_pro_first_last_frame_node, kling_omni_pro_image_node, kling_omni_pro_image_to_video_node,
               kling_omni_pro_text_to_video_node, kling_single_image_video_effect_node, kling_start_end_frame_node,
               kling_text_to_video_node, kling_text_to_video_with_audio, kling_video_extend_node, kling_video_node,
               kling_virtual_try_on_node, video_inputs)

__all__ = ["TABLE", "kling_avatar_node", "kling_camera_control_i2v_node", "kling_camera_control_t2v_node",
           "kling_camera_controls", "kling_dual_character_video_effect_node", "kling_first_last_frame_node",
           "kling_image2_video_node", "kling_image_generation_node", "kling_image_to_video_with_audio",
           "kling_lip_sync_audio_to_video_node", "kling_lip_sync_text_to_video_node",
           "kling_omni_pro_first_last_frame_node", "kling_omni_pro_image_node", "kling_omni_pro_image_to_video_node",
           "kling_omni_pro_text_to_video_node", "kling_single_image_video_effect_node", "kling_start_end_frame_node",
           "kling_text_to_video_node", "kling_text_to_video_with_audio", "kling_video_extend_node",
           "kling_video_node", "kling_virtual_try_on_node", "video_inputs"]
