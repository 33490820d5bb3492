"""``comfy.cli_args``: ComfyUI's command-line settings as packs read them; names not
listed read as None."""
import argparse
import enum
from typing import Any


class LatentPreviewMethod(enum.Enum):
    NoPreviews = "none"
    Auto = "auto"
    Latent2RGB = "latent2rgb"
    TAESD = "taesd"


class _Args(argparse.Namespace):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


args = _Args(listen="127.0.0.1", port=8188, cpu=True, preview_size=512, disable_metadata=False,
             preview_method=LatentPreviewMethod.NoPreviews, enable_cors_header=None, multi_user=False,
             disable_all_custom_nodes=False, verbose="INFO", output_directory=None, input_directory=None,
             temp_directory=None, user_directory=None, base_directory=None, cache_lru=0, cache_none=False,
             max_upload_size=100, dont_print_server=False, highvram=False, lowvram=False, novram=False,
             normalvram=False, force_fp16=False, force_fp32=False, fp16_vae=False, bf16_vae=False)
