"""Stand-ins for ComfyUI's model stack: importing them works, calling them raises."""
from __future__ import annotations

from typing import Any


class ModelStackUnavailable(RuntimeError):
    """Raised when a pack calls into ComfyUI's model stack (checkpoints, samplers,
    VAEs, CLIP), which Keroro Graph does not include."""


def needs_model_stack(qualified: str) -> Any:
    def unavailable(*_args: Any, **_kwargs: Any) -> Any:
        raise ModelStackUnavailable(
            f"{qualified} needs ComfyUI's model stack (model loading, sampling), which Keroro Graph "
            "does not include; run this node on ComfyUI")
    unavailable.__name__ = qualified.rsplit(".", 1)[-1]
    unavailable.__qualname__ = qualified
    return unavailable


def module_getattr(module: str, names: frozenset[str]) -> Any:
    """A module ``__getattr__`` answering ``names`` with stand-ins, others with
    AttributeError (so ``from module import other`` fails naming both)."""
    def __getattr__(name: str) -> Any:
        if name in names:
            return needs_model_stack(f"{module}.{name}")
        raise AttributeError(f"module {module!r} has no attribute {name!r} (not provided by Keroro Graph's "
                             "ComfyUI compatibility layer)")
    return __getattr__
