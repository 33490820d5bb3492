"""ComfyUI compatibility layer: ComfyUI's module names (``folder_paths``, ``server``,
``comfy.*``, ``comfy_execution.*``, ``comfy_api.*``, ``node_helpers``,
``latent_preview``, ComfyUI's names on ``nodes``) for custom-node packs, written on
top of ``keroro_graph.api``.

Only the loader and the ComfyUI doors import this package (tests/test_layers.py).
``install()`` puts the modules under ``root/`` on the import path through a finder
that answers for those top-level names only; importing a name the layer does not
provide fails with Python's ImportError naming module and name. This module imports
nothing heavy: the layer's modules load when a pack first imports them.
"""
from __future__ import annotations

import importlib
import types
from typing import Any, Callable

from .install import install
from .tensors import from_pack, to_pack, torch_available


def v3_io() -> types.ModuleType:
    """ComfyUI's ``comfy_api.latest._io`` as packs import it (one copy of ComfyNode)."""
    install()
    return importlib.import_module("comfy_api.latest._io")


def extend_nodes_module(module: types.ModuleType, builtin: Callable[[str], Any] | None = None) -> None:
    """Add ComfyUI's names (SaveImage, PreviewImage, LoadImage, NODE_CLASS_MAPPINGS,
    model-node stand-ins, V1 classes of our built-in nodes found by ``builtin(name)``)
    to our built-in ``nodes`` package."""
    from . import comfy_nodes
    comfy_nodes.extend(module, builtin)


def register_v1(class_type: str, cls: type, display_name: str | None) -> None:
    """Record a pack's class in ComfyUI's ``nodes.NODE_CLASS_MAPPINGS``."""
    from . import state
    state.NODE_CLASS_MAPPINGS.setdefault(class_type, cls)
    if display_name:
        state.NODE_DISPLAY_NAME_MAPPINGS.setdefault(class_type, display_name)


def pack_routes() -> list[tuple[str, str, Callable[..., Any], dict[str, Any]]]:
    """(method, path, handler, kwargs) of every route packs added to
    ``PromptServer.instance.routes`` (empty until a pack imports ``server``)."""
    import sys
    state = sys.modules.get(f"{__name__}.state")
    return list(state.ROUTES.defs) if state is not None else []


def server_hooks() -> list[Callable[[Callable[..., None]], None]]:
    """Call each with the server's ``send(event, data, sid)`` once it is up."""
    def attach(send: Callable[..., None]) -> None:
        from . import state
        state.attach_sender(send)
    return [attach]


__all__ = ["extend_nodes_module", "from_pack", "install", "pack_routes", "register_v1", "server_hooks",
           "to_pack", "torch_available", "v3_io"]
