"""ComfyUI's ``comfy`` package as far as packs need it without a model stack:
``utils`` (ProgressBar, common_upscale), ``model_management`` (interrupts, devices),
``comfy_types``, ``cli_args``, ``samplers`` (names); model loading in ``sd`` and
friends fails at use with a clear error."""
