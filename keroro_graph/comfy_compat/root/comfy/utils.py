"""``comfy.utils``: ProgressBar (progress and previews of the running node, which is
also where an interrupted job stops), common_upscale, and small helpers; loading
model files needs ComfyUI's model stack."""
from __future__ import annotations

import io
from typing import Any

from keroro_graph.api import current_context, media
from keroro_graph.comfy_compat.standin import standin

PROGRESS_BAR_ENABLED = True
PROGRESS_BAR_HOOK = None

# Model-file helpers: importable, fail when called.
load_torch_file = standin("comfy.utils.load_torch_file")
save_torch_file = standin("comfy.utils.save_torch_file")
calculate_parameters = standin("comfy.utils.calculate_parameters")
state_dict_prefix_replace = standin("comfy.utils.state_dict_prefix_replace")
tiled_scale = standin("comfy.utils.tiled_scale")
tiled_scale_multidim = standin("comfy.utils.tiled_scale_multidim")


def set_progress_bar_enabled(enabled: bool) -> None:
    global PROGRESS_BAR_ENABLED
    PROGRESS_BAR_ENABLED = enabled


def set_progress_bar_global_hook(function: Any) -> None:
    global PROGRESS_BAR_HOOK
    PROGRESS_BAR_HOOK = function


def _encode_preview(preview: Any) -> tuple[str, bytes] | None:
    """ComfyUI's preview tuple (format, PIL image, max size) as encoded bytes, full
    size unless a max size is given."""
    if not isinstance(preview, (tuple, list)) or len(preview) < 2 or preview[1] is None:
        return None
    from PIL import ImageOps
    fmt, image = str(preview[0] or "JPEG").upper(), preview[1]
    max_size = preview[2] if len(preview) > 2 else None
    if max_size:
        image = ImageOps.contain(image, (int(max_size), int(max_size)))
    buffer = io.BytesIO()
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(buffer, format=fmt, quality=95, compress_level=1)
    return fmt, buffer.getvalue()


class ProgressBar:
    """Progress of the node running in this thread or task (``node_id`` is accepted
    for ComfyUI's signature). Each update checks for cancellation, as ComfyUI's does."""

    def __init__(self, total: float, node_id: str | None = None) -> None:
        self.total = total
        self.current = 0.0
        self.node_id = node_id
        self._ctx = current_context.get()

    def update_absolute(self, value: float, total: float | None = None, preview: Any = None) -> None:
        if total is not None:
            self.total = total
        if self.total and value > self.total:
            value = self.total
        self.current = value
        ctx = self._ctx or current_context.get()
        if ctx is None:
            return
        ctx.check_cancelled()
        if PROGRESS_BAR_HOOK is not None:
            PROGRESS_BAR_HOOK(self.current, self.total, preview, node_id=self.node_id)
        encoded = _encode_preview(preview)
        if encoded is not None:
            ctx.preview(encoded[1], fmt=encoded[0])
        ctx.progress(float(self.current), float(self.total) if self.total else None)

    def update(self, value: float) -> None:
        self.update_absolute(self.current + value)


def common_upscale(samples: Any, width: int, height: int, upscale_method: str, crop: str) -> Any:
    """Resize a [B, C, H, W] tensor (ComfyUI's layout) to width × height; ``crop``
    "center" crops to the target aspect first."""
    import torch
    import torch.nn.functional as F
    if crop == "center":
        old_w, old_h = samples.shape[-1], samples.shape[-2]
        x, y = media.center_crop_offsets(old_w, old_h, width, height)
        samples = samples.narrow(-2, y, old_h - y * 2).narrow(-1, x, old_w - x * 2)
    if upscale_method == "lanczos":
        from PIL import Image
        import numpy as np
        frames = []
        for frame in samples.movedim(1, -1):
            array = (frame.clamp(0, 1).cpu().numpy() * 255).round().astype(np.uint8)
            image = Image.fromarray(array.squeeze(-1) if array.shape[-1] == 1 else array)
            image = image.resize((width, height), Image.Resampling.LANCZOS)
            out = torch.from_numpy(np.asarray(image).astype(np.float32) / 255.0)
            frames.append(out.unsqueeze(-1) if out.ndim == 2 else out)
        return torch.stack(frames).movedim(-1, 1).to(samples.dtype)
    mode = {"nearest-exact": "nearest-exact", "bilinear": "bilinear", "area": "area",
            "bicubic": "bicubic", "bislerp": "bilinear"}.get(upscale_method, upscale_method)
    kwargs = {"align_corners": False} if mode in ("bilinear", "bicubic") else {}
    return F.interpolate(samples, size=(height, width), mode=mode, **kwargs)


def repeat_to_batch_size(tensor: Any, batch_size: int, dim: int = 0) -> Any:
    if tensor.shape[dim] > batch_size:
        return tensor.narrow(dim, 0, batch_size)
    if tensor.shape[dim] < batch_size:
        repeats = [1] * tensor.ndim
        repeats[dim] = -(-batch_size // tensor.shape[dim])
        return tensor.repeat(*repeats).narrow(dim, 0, batch_size)
    return tensor
