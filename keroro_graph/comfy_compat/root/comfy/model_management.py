"""``comfy.model_management`` without a model stack: interrupts (the running job's
cancellation), the CPU as the only device, and no-op memory management."""
from __future__ import annotations

import enum
import logging
import os
from typing import Any

from keroro_graph.api import ExecutionInterruptedError, current_context

log = logging.getLogger(__name__)


class InterruptProcessingException(ExecutionInterruptedError):
    """Raised when the running job was cancelled (ComfyUI's name)."""


class VRAMState(enum.Enum):
    DISABLED = 0
    NO_VRAM = 1
    LOW_VRAM = 2
    NORMAL_VRAM = 3
    HIGH_VRAM = 4
    SHARED = 5


class CPUState(enum.Enum):
    GPU = 0
    CPU = 1
    MPS = 2


vram_state = VRAMState.DISABLED
cpu_state = CPUState.CPU
XFORMERS_IS_AVAILABLE = False
OOM_EXCEPTION = MemoryError
DISABLE_SMART_MEMORY = True


def processing_interrupted() -> bool:
    ctx = current_context.get()
    return bool(ctx is not None and ctx.cancelled)


def throw_exception_if_processing_interrupted() -> None:
    if processing_interrupted():
        raise InterruptProcessingException("Processing interrupted")


def interrupt_current_processing(value: bool = True) -> None:
    log.warning("comfy.model_management.interrupt_current_processing is not supported; use /interrupt")


def get_torch_device() -> Any:
    try:
        import torch
    except ImportError:
        return "cpu"
    return torch.device("cpu")


intermediate_device = unet_offload_device = text_encoder_device = vae_device = get_torch_device
vae_offload_device = text_encoder_offload_device = unet_inital_load_device = get_torch_device


def cpu_mode() -> bool:
    return True


def is_device_mps(device: Any = None) -> bool:
    return False


def is_device_cpu(device: Any = None) -> bool:
    return True


def is_nvidia() -> bool:
    return False


def should_use_fp16(*_args: Any, **_kwargs: Any) -> bool:
    return False


def should_use_bf16(*_args: Any, **_kwargs: Any) -> bool:
    return False


def get_free_memory(dev: Any = None, torch_free_too: bool = False) -> Any:
    free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return (free, free) if torch_free_too else free


def get_total_memory(dev: Any = None, torch_total_too: bool = False) -> Any:
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return (total, total) if torch_total_too else total


def soft_empty_cache(force: bool = False) -> None:
    pass


def unload_all_models() -> None:
    pass


def free_memory(memory_required: int = 0, device: Any = None, keep_loaded: Any = ()) -> list[Any]:
    return []


def load_models_gpu(models: Any, *args: Any, **kwargs: Any) -> None:
    pass


def load_model_gpu(model: Any) -> None:
    pass


def cleanup_models(*_args: Any, **_kwargs: Any) -> None:
    pass


def module_size(module: Any) -> int:
    return 0
