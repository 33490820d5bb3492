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
                   "node_helpers", "latent_preview"})


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname not in NAMES:
            return None  # submodules resolve through their package's __path__
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
