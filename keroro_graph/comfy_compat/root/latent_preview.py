"""ComfyUI's ``latent_preview``: Keroro Graph has no sampler, so there are no latent
previews; the callback only reports progress."""
from __future__ import annotations

from typing import Any

MAX_PREVIEW_RESOLUTION = 512


class LatentPreviewer:
    def decode_latent_to_preview_image(self, preview_format: str, x0: Any) -> None:
        return None


def get_previewer(device: Any = None, latent_format: Any = None) -> None:
    return None


def prepare_callback(model: Any = None, steps: int = 0, x0_output_dict: Any = None) -> Any:
    import comfy.utils
    pbar = comfy.utils.ProgressBar(steps)

    def callback(step: int, x0: Any, x: Any, total_steps: int) -> None:
        if x0_output_dict is not None:
            x0_output_dict["x0"] = x0
        pbar.update_absolute(step + 1, total_steps, None)
    return callback
