"""RunningHub provider pack: run your RunningHub cloud ComfyUI workflows and AI apps
from a graph (spec §8), with fields overridden and an image uploaded, and check the
account balance; the API key is set in Settings → Providers. ``client.py`` speaks
the classic OpenAPI, ``models.py`` holds its wire types, ``inputs.py`` parses the
overrides and uploads images, ``run.py`` drives one task, ``outputs.py`` turns its
files into IMAGE/VIDEO values, and ``nodes/`` holds one node per file."""
from . import nodes

__all__ = ["nodes"]
