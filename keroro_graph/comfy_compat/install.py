"""Putting the layer on the import path."""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "root"
#: Top-level module names the layer answers for (``nodes`` is our built-in package,
#: extended in place by ``extend_nodes_module``).
NAMES = frozenset({"folder_paths", "server", "comfy", "comfy_execution", "comfy_api", "comfy_extras",
                   "node_helpers", "latent_preview", "execution"})


#: ``comfy`` submodules of ComfyUI's model stack (and everything below them), and
#: every ``comfy_extras`` module (ComfyUI's extra nodes): importable stand-ins whose
#: every name fails when used (comfy_compat/standin.py).
MODEL_STACK = frozenset({
    "sd", "sample", "model_detection", "model_base", "model_patcher", "model_sampling", "ops", "sd1_clip", "sdxl_clip",
    "clip_vision", "controlnet", "lora", "lora_convert", "latent_formats", "supported_models",
    "supported_models_base", "sampler_helpers", "k_diffusion", "ldm", "taesd", "hooks", "patcher_extension",
    "conds", "quant_ops", "clip_model", "text_encoders", "gligen", "diffusers_load", "float", "rmsnorm",
    "weight_adapter", "cldm", "t2i_adapter", "extra_samplers", "audio_encoders", "image_encoders",
    "context_windows", "model_management_utils", "diffusers_convert", "checkpoint_pickle", "ops_quant"})


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: Any) -> Any:
        from .standin import standin_module
        return standin_module(spec.name)

    def exec_module(self, module: Any) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        parts = fullname.split(".")
        if len(parts) > 1 and (parts[0] == "comfy_extras" or (parts[0] == "comfy" and parts[1] in MODEL_STACK)):
            return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)
        if fullname not in NAMES:
            return None  # other submodules resolve through their package's __path__
        return importlib.machinery.PathFinder.find_spec(fullname, [str(ROOT)])


_FINDER = _Finder()


def install(paths: Any | None = None) -> None:
    """Make ComfyUI's module names importable (idempotent); ``paths`` (a Paths) are
    the folders ``folder_paths`` answers with outside a running node."""
    if paths is not None:
        from . import state
        state.configure(paths)
    if not any(f is _FINDER for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)
