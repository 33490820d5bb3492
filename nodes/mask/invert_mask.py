"""InvertMask: ``1 - mask`` (ComfyUI's node)."""
from __future__ import annotations

from keroro_graph.api import MASK, node
from nodes.image._pixels import check_mask


@node("InvertMask")
def invert_mask(mask: MASK) -> MASK:
    """Swap masked and unmasked areas."""
    return 1.0 - check_mask(mask)
