"""ImageDrawText: draw text on every frame of an IMAGE batch (our own node).

Text is rendered with Pillow's default font at ``size`` pixels into a coverage mask
and blended in float, so the rest of the image keeps its full precision. An optional
box in ``box_color`` sits behind the text. The bundled font has no CJK glyphs: such
characters show as placeholder boxes rather than failing; where Pillow lacks
FreeType entirely, characters outside Latin-1 become ``?``.
"""
from __future__ import annotations

from typing import Annotated

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keroro_graph.api import IMAGE, Bool, Int, Text, node
from nodes import MAX_RESOLUTION
from nodes.image._pixels import check_image, fill_color, parse_hex_color

_Position = Annotated[int, Int(default=16, min=0, max=MAX_RESOLUTION, step=1)]


@node("ImageDrawText")
def image_draw_text(
    image: IMAGE,
    text: Annotated[str, Text(multiline=True, default="Keroro Graph")],
    x: _Position,
    y: _Position,
    size: Annotated[int, Int(default=32, min=6, max=512, step=1)],
    color: Annotated[str, Text(default="#ffffff", tooltip="Hex colour of the text.")],
    background_box: Annotated[bool, Bool(default=False)],
    box_color: Annotated[str, Text(default="#000000", tooltip="Hex colour of the box behind the text.")],
    box_padding: Annotated[int, Int(default=8, min=0, max=256, step=1)],
) -> IMAGE:
    """Write text at (x, y), the top-left corner of the first line."""
    frames = check_image(image).copy()
    ink = parse_hex_color(color, "color")
    box = parse_hex_color(box_color, "box_color") if background_box else None
    if not 6 <= size <= 512:
        raise ValueError(f"size must be between 6 and 512; got {size}")
    if not text:
        return frames
    height, width = frames.shape[1:3]
    text_cover, box_cover = _coverage(width, height, text, (x, y), size,
                                      box_padding if box is not None else None)
    colour = frames[..., :3] if frames.shape[3] >= 3 else frames[..., :1]  # a view into frames
    if box is not None and box_cover is not None:
        _paint(colour, box_cover, fill_color(box, colour.shape[3]))
    _paint(colour, text_cover, fill_color(ink, colour.shape[3]))
    return frames


def _coverage(width: int, height: int, text: str, origin: tuple[int, int], size: int,
              box_padding: int | None) -> tuple[np.ndarray, np.ndarray | None]:
    """How much each pixel is covered (0..1) by the text, and by the box if wanted."""
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        text = text.encode("latin-1", "replace").decode("latin-1")  # the bitmap font is Latin-1 only
    canvas = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    draw.multiline_text(origin, text, font=font, fill=255)
    text_cover = np.asarray(canvas, dtype=np.float32) / 255.0
    if box_padding is None:
        return text_cover, None
    left, top, right, bottom = draw.multiline_textbbox(origin, text, font=font)
    box = Image.new("L", (width, height), 0)
    ImageDraw.Draw(box).rectangle((left - box_padding, top - box_padding,
                                   right + box_padding, bottom + box_padding), fill=255)
    return text_cover, np.asarray(box, dtype=np.float32) / 255.0


def _paint(colour: np.ndarray, cover: np.ndarray, pixel: np.ndarray) -> None:
    """Blend ``pixel`` into every frame of ``colour`` in place, weighted by ``cover``."""
    weight = cover[None, :, :, None]
    colour *= 1.0 - weight
    colour += weight * pixel
