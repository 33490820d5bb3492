"""Stand-ins for ComfyUI's model stack (``comfy.ldm.*``, ``comfy.model_patcher``,
``comfy.ops``, ...): a pack may import any name from them, subclass the classes and
read attributes at import; calling or instantiating anything raises, naming it."""
from __future__ import annotations

import types
from typing import Any


class ModelStackUnavailable(RuntimeError):
    """ComfyUI's model stack (model loading, sampling, VAE, CLIP) is not part of
    Keroro Graph."""


def _refuse(qualified: str) -> Any:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise ModelStackUnavailable(f"{qualified} needs ComfyUI's model stack (models, sampling, VAE, CLIP), "
                                    "which Keroro Graph does not include; run this node on ComfyUI")
    return refuse


class _StandInMeta(type):
    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return standin(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.__dict__.get("_keroro_standin"):
            _refuse(cls.__qualname__)()
        return super().__call__(*args, **kwargs)  # a pack's own subclass


def standin(qualified: str) -> Any:
    """A class-like stand-in: subclassable, attribute reads give stand-ins, calls raise."""
    short = qualified.rsplit(".", 1)[-1]
    return _StandInMeta(short, (), {"__qualname__": qualified, "__module__": qualified.rsplit(".", 1)[0],
                                    "_keroro_standin": True,
                                    "__init__": lambda self, *a, **k: _refuse(qualified)()})


def standin_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name, f"Stand-in for ComfyUI's {name} (model stack; not in Keroro Graph).")
    module.__path__ = []  # a package: deeper imports work too

    def __getattr__(attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        value = standin(f"{name}.{attr}")
        setattr(module, attr, value)
        return value
    setattr(module, "__getattr__", __getattr__)  # PEP 562: looked up on the module
    return module
