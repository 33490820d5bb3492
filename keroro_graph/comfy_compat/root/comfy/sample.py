"""``comfy.sample``: sampling needs ComfyUI's model stack; these fail at use."""
from comfy._missing import module_getattr

__getattr__ = module_getattr("comfy.sample", frozenset({
    "sample", "sample_custom", "prepare_noise", "fix_empty_latent_channels"}))
