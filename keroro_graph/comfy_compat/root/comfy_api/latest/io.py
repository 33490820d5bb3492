"""``from comfy_api.latest.io import ...`` works as in ComfyUI (the same objects)."""
from . import _io

globals().update({k: v for k, v in vars(_io).items() if not k.startswith("__")})
