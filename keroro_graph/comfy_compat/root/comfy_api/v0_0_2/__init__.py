"""``comfy_api.v0_0_2``: the same API as ``comfy_api.latest``."""
from comfy_api.latest import (ComfyAPI, ComfyAPISync, ComfyExtension, Input, InputImpl, Types,  # noqa: F401
                              io, ui)

__all__ = ["ComfyAPI", "ComfyAPISync", "ComfyExtension", "Input", "InputImpl", "Types", "io", "ui"]
