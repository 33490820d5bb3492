"""IMAGE and MASK as ComfyUI packs expect them: torch tensors when torch is installed
(the ``keroro-graph[torch]`` extra). Our values are numpy arrays; a pack node gets
``torch.from_numpy`` views (no copy) and its tensor outputs come back as numpy arrays
sharing memory, so our own nodes never see torch. Without torch, values pass as they
are and a pack that needs torch fails on its own ``import torch``, naming it."""
from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

_torch: list[Any] = []
#: Keys of dict values (LATENT, AUDIO) that hold arrays.
_ARRAY_KEYS = ("samples", "waveform", "noise_mask")


def _module() -> Any:
    if not _torch:
        try:
            torch: Any = importlib.import_module("torch")
        except ImportError:
            torch = None
        _torch.append(torch)
    return _torch[0]


def torch_available() -> bool:
    return _module() is not None


def to_pack(value: Any) -> Any:
    """Our value as a ComfyUI pack sees it. torch is imported only once an array is
    actually handed to a pack (packs that use it have usually imported it already)."""
    kind = type(value)
    if kind is not np.ndarray and kind is not list and kind is not dict:
        return value
    torch = _module()
    if torch is None:
        return value
    return _to_torch(value, torch, depth=0)


def _to_torch(value: Any, torch: Any, depth: int) -> Any:
    kind = type(value)
    if kind is np.ndarray:
        if value.dtype.kind not in "fiub":
            return value
        if not value.flags.writeable:
            value = value.copy()
        return torch.from_numpy(value)
    if depth == 0 and kind is list:
        return [_to_torch(v, torch, 1) for v in value]
    if depth == 0 and kind is dict and any(k in value for k in _ARRAY_KEYS):
        return {k: (_to_torch(v, torch, 1) if k in _ARRAY_KEYS else v) for k, v in value.items()}
    return value


def from_pack(value: Any) -> Any:
    """A pack's output as our nodes see it (no tensor can exist before torch is imported)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return value
    return _to_numpy(value, torch, depth=0)


def _to_numpy(value: Any, torch: Any, depth: int) -> Any:
    if isinstance(value, torch.Tensor):
        tensor = value.detach()
        if tensor.device.type != "cpu":
            tensor = tensor.cpu()
        if tensor.dtype in (torch.bfloat16,):
            tensor = tensor.float()
        return tensor.numpy()
    kind = type(value)
    if depth == 0 and kind in (list, tuple) and value and any(isinstance(v, torch.Tensor) for v in value):
        return kind(_to_numpy(v, torch, 1) for v in value)
    if depth == 0 and kind is dict and any(k in value for k in _ARRAY_KEYS):
        return {k: (_to_numpy(v, torch, 1) if k in _ARRAY_KEYS else v) for k, v in value.items()}
    return value
