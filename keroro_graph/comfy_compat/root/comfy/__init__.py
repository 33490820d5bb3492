"""ComfyUI's ``comfy`` package as far as packs need it without a model stack:
``utils`` (ProgressBar, common_upscale), ``model_management`` (interrupts, devices),
``comfy_types``, ``cli_args``, ``samplers`` (names); model loading (``sd``,
``sample``) and the model-stack modules (``ldm``, ``ops``, ``model_patcher``, ...)
import but fail at use with a clear error. As in ComfyUI, ``import comfy`` makes the
common submodules reachable as attributes."""
from . import cli_args, model_management, sample, samplers, sd, utils  # type: ignore[attr-defined]  # noqa: F401
