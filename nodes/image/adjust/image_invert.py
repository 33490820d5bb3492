"""ImageInvert: ``1 - image`` on every channel (ComfyUI's node)."""
from __future__ import annotations

from keroro_graph.api import IMAGE, node
from nodes.image._pixels import check_image


@node("ImageInvert")
def image_invert(image: IMAGE) -> IMAGE:
    """Invert the colours (a negative)."""
    return 1.0 - check_image(image)
