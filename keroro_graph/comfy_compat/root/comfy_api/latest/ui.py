"""``from comfy_api.latest.ui import ...`` works as in ComfyUI (the same objects)."""
from . import _ui

globals().update({k: v for k, v in vars(_ui).items() if not k.startswith("__")})
