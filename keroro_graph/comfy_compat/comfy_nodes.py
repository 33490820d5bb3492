"""ComfyUI's names on our built-in ``nodes`` package: V1 classes packs import or
subclass (SaveImage, PreviewImage, LoadImage), ``NODE_CLASS_MAPPINGS`` (the V1
classes loaded so far, as ComfyUI's), and stand-ins for the model nodes (KSampler,
CheckpointLoaderSimple, ...) that import but fail when run."""
from __future__ import annotations

import json
import os
import random
import string
import types
from typing import Any

import numpy as np

from . import state

MODEL_NODES = frozenset({
    "CheckpointLoaderSimple", "CheckpointLoader", "DiffusersLoader", "unCLIPCheckpointLoader", "KSampler",
    "KSamplerAdvanced", "VAEDecode", "VAEEncode", "VAEDecodeTiled", "VAEEncodeTiled", "VAEEncodeForInpaint",
    "VAELoader", "CLIPTextEncode", "CLIPSetLastLayer", "CLIPLoader", "DualCLIPLoader", "CLIPVisionLoader",
    "CLIPVisionEncode", "LoraLoader", "LoraLoaderModelOnly", "ControlNetLoader", "DiffControlNetLoader",
    "ControlNetApply", "ControlNetApplyAdvanced", "UNETLoader", "StyleModelLoader", "StyleModelApply",
    "unCLIPConditioning", "GLIGENLoader", "GLIGENTextBoxApply", "EmptyLatentImage", "LatentUpscale",
    "LatentUpscaleBy", "LatentFromBatch", "RepeatLatentBatch", "LatentComposite", "LatentBlend", "LatentCrop",
    "SetLatentNoiseMask", "ConditioningCombine", "ConditioningAverage", "ConditioningConcat",
    "ConditioningSetArea", "ConditioningSetAreaPercentage", "ConditioningSetMask", "ConditioningZeroOut",
    "ConditioningSetTimestepRange", "InpaintModelConditioning", "common_ksampler"})


def _model_node(name: str) -> Any:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"nodes.{name} needs ComfyUI's model stack (models, sampling, VAE, CLIP), which "
                           "Keroro Graph does not include; run this node on ComfyUI")
    if name == "common_ksampler":
        return lambda *a, **k: refuse(None)
    return type(name, (), {"__init__": refuse, "__module__": "nodes", "FUNCTION": "run", "RETURN_TYPES": (),
                           "INPUT_TYPES": classmethod(lambda cls: {"required": {}}), "run": refuse})


def _frames(images: Any) -> np.ndarray:
    if hasattr(images, "detach"):
        images = images.detach().cpu().numpy()
    array = np.asarray(images, dtype=np.float32)
    return array[None] if array.ndim == 3 else array


class SaveImage:
    """ComfyUI's SaveImage as a V1 class (packs subclass it and call save_images)."""

    def __init__(self) -> None:
        self.output_dir = None
        self.type = "output"
        self.prefix_append = ""
        self.compress_level = 4

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:  # noqa: N802
        return {"required": {"images": ("IMAGE", {"tooltip": "The images to save."}),
                             "filename_prefix": ("STRING", {"default": "ComfyUI"})},
                "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}}

    RETURN_TYPES: tuple[str, ...] = ()
    FUNCTION = "save_images"
    OUTPUT_NODE = True
    CATEGORY = "image"

    def _folder(self) -> str:
        if self.output_dir:
            return str(self.output_dir)
        paths = state.paths()
        return str(paths.output if self.type == "output" else paths.temp)

    def save_images(self, images: Any, filename_prefix: str = "ComfyUI", prompt: Any = None,
                    extra_pnginfo: Any = None) -> dict[str, Any]:
        from PIL import Image
        from PIL.PngImagePlugin import PngInfo
        import folder_paths
        frames = _frames(images)
        filename_prefix += self.prefix_append
        height, width = (frames.shape[1], frames.shape[2]) if frames.ndim >= 3 else (0, 0)
        folder, stem, counter, subfolder, _ = folder_paths.get_save_image_path(
            filename_prefix, self._folder(), width, height)
        results = []
        for index, frame in enumerate(frames):
            pixels = np.clip(255.0 * frame, 0, 255).astype(np.uint8)
            if pixels.ndim == 3 and pixels.shape[-1] == 1:
                pixels = pixels[..., 0]
            info = PngInfo()
            if prompt is not None:
                info.add_text("prompt", json.dumps(prompt))
            for key, value in (extra_pnginfo or {}).items():
                info.add_text(key, json.dumps(value))
            name = f"{stem.replace('%batch_num%', str(index))}_{counter:05}_.png"
            Image.fromarray(pixels).save(os.path.join(folder, name), pnginfo=info,
                                         compress_level=self.compress_level)
            results.append({"filename": name, "subfolder": subfolder, "type": self.type})
            counter += 1
        return {"ui": {"images": results}}


class PreviewImage(SaveImage):
    def __init__(self) -> None:
        super().__init__()
        self.type = "temp"
        self.prefix_append = "_temp_" + "".join(random.choice(string.ascii_lowercase) for _ in range(5))
        self.compress_level = 1

    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:  # noqa: N802
        return {"required": {"images": ("IMAGE",)},
                "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}}


class LoadImage:
    @classmethod
    def INPUT_TYPES(cls) -> dict[str, Any]:  # noqa: N802
        folder = state.paths().input
        files = sorted(f.name for f in folder.iterdir() if f.is_file()) if folder.is_dir() else []
        return {"required": {"image": (files, {"image_upload": True})}}

    CATEGORY = "image"
    RETURN_TYPES = ("IMAGE", "MASK")
    FUNCTION = "load_image"

    def load_image(self, image: str) -> tuple[Any, Any]:
        from PIL import Image, ImageOps
        import folder_paths
        from .tensors import to_pack
        with Image.open(folder_paths.get_annotated_filepath(image)) as opened:
            frame = ImageOps.exif_transpose(opened)
            rgb = np.asarray(frame.convert("RGB"), dtype=np.float32)[None] / 255.0
            if "A" in frame.getbands():
                mask = 1.0 - np.asarray(frame.getchannel("A"), dtype=np.float32)[None] / 255.0
            else:
                mask = np.zeros((1, 64, 64), dtype=np.float32)
        return to_pack(rgb), to_pack(mask)


def before_node_execution() -> None:
    import comfy.model_management
    comfy.model_management.throw_exception_if_processing_interrupted()


def interrupt_processing(value: bool = True) -> None:
    import comfy.model_management
    comfy.model_management.interrupt_current_processing(value)


def _builtin_class(spec: Any) -> type:
    """A V1 class calling one of our built-in nodes (packs instantiate ComfyUI's
    built-ins and call their function directly: ``ImageBatch().batch(a, b)``)."""
    from keroro_graph.api import current_context
    from .tensors import from_pack, to_pack
    names = [i.name for i in spec.inputs if i.section != "hidden"]

    def run(self: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        kwargs.update(zip(names, args))
        call = {k: from_pack(v) for k, v in kwargs.items()}
        out = spec.behaviour.normalise(spec.behaviour.call(None, current_context.get(), call))
        return tuple(to_pack(v) for v in out.values)

    def input_types(cls: Any) -> dict[str, Any]:
        table: dict[str, Any] = {}
        for item in spec.inputs:
            if item.section == "hidden":
                continue
            kind = list(item.choices) if isinstance(item.choices, (list, tuple)) else item.type
            table.setdefault(item.section, {})[item.name] = (kind, dict(item.options))
        return table

    # ComfyUI's classes list their combo choices as attributes (ImageScale.upscale_methods)
    choices = {f"{i.name}{suffix}": list(i.choices) for i in spec.inputs if isinstance(i.choices, (list, tuple))
               for suffix in ("s", "_methods")}
    return type(spec.class_type, (), {
        **choices, "__module__": "nodes", "INPUT_TYPES": classmethod(input_types), "FUNCTION": "run", "run": run,
        "RETURN_TYPES": tuple(o.type for o in spec.outputs), "CATEGORY": spec.category,
        "OUTPUT_NODE": spec.output_node,
        "__getattr__": lambda self, attr: (lambda *a, **k: run(self, *a, **k)) if not attr.startswith("_")
        else object.__getattribute__(self, attr)})


def extend(module: types.ModuleType, builtin: Any = None) -> None:
    """Put ComfyUI's names on ``module`` (our built-in ``nodes`` package);
    ``builtin(name)`` gives the spec of one of our built-in nodes, or None."""
    names = {"SaveImage": SaveImage, "PreviewImage": PreviewImage, "LoadImage": LoadImage,
             "NODE_CLASS_MAPPINGS": state.NODE_CLASS_MAPPINGS,
             "NODE_DISPLAY_NAME_MAPPINGS": state.NODE_DISPLAY_NAME_MAPPINGS,
             "before_node_execution": before_node_execution, "interrupt_processing": interrupt_processing,
             "EXTENSION_WEB_DIRS": {}, "LOADED_MODULE_DIRS": {}}
    for name, value in names.items():
        if not hasattr(module, name):
            setattr(module, name, value)
    if not hasattr(module, "MAX_RESOLUTION"):
        module.MAX_RESOLUTION = 16384  # type: ignore[attr-defined]
    for name in ("SaveImage", "PreviewImage", "LoadImage"):
        state.NODE_CLASS_MAPPINGS.setdefault(name, names[name])

    def __getattr__(name: str) -> Any:
        if name in MODEL_NODES:
            return _model_node(name)
        spec = builtin(name) if builtin is not None and not name.startswith("_") else None
        if spec is not None:
            value = _builtin_class(spec)
            setattr(module, name, value)
            return value
        raise AttributeError(f"module 'nodes' has no attribute {name!r} (not provided by Keroro Graph's "
                             "ComfyUI compatibility layer)")
    setattr(module, "__getattr__", __getattr__)  # PEP 562: looked up on the module
