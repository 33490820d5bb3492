"""``comfy.sd``: model loading needs ComfyUI's model stack; these fail at use."""
from comfy._missing import ModelStackUnavailable, module_getattr

__getattr__ = module_getattr("comfy.sd", frozenset({
    "load_checkpoint_guess_config", "load_checkpoint", "load_diffusion_model", "load_diffusion_model_state_dict",
    "load_clip", "load_text_encoder_state_dicts", "load_lora_for_models", "load_style_model", "load_gligen",
    "VAE", "CLIP", "CLIPType", "save_checkpoint", "load_model_weights"}))

__all__ = ["ModelStackUnavailable"]
