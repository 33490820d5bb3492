"""TextilePatternPrompt: build a prompt for a flat, print-ready textile pattern from
a motif, style, colour palette, repeat type and end use (our own node).

``color_palette`` is a list separated by commas, semicolons, 、 or new lines, so
"藏青、米白, terracotta" gives three colours. The motif, palette and extra details may
be written in English or Chinese and are placed into the English prompt as written.
"""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, Text, node
from nodes.prompt.presets._compose import choose, paragraph, require, split_list

STYLES = {
    "floral": "a floral pattern",
    "geometric": "a geometric pattern with crisp, precise shapes",
    "paisley": "a paisley pattern with flowing teardrop motifs",
    "abstract": "an abstract pattern of expressive shapes and marks",
    "ethnic": "a pattern inspired by traditional folk textile motifs, drawn with care and respect",
    "botanical": "a botanical pattern of leaves and plants",
    "animal print": "an animal-skin-inspired print",
    "stripes and checks": "a woven-look pattern of stripes and checks",
}
REPEATS = {
    "seamless": "a seamless block repeat whose edges tile with no visible seams",
    "half-drop": "a half-drop repeat, each column offset by half a tile vertically, "
                 "tiling with no visible seams",
    "mirror": "a mirror repeat, the tile reflected horizontally and vertically so its edges meet exactly",
}
USES = {
    "apparel": "apparel fabric, with a motif scale and density that read well on garments once cut and sewn",
    "home textile": "home textiles such as curtains, bedding and upholstery, with a larger motif scale "
                    "that reads well across wide surfaces",
}


@node("TextilePatternPrompt")
def textile_pattern_prompt(
    motif: Annotated[str, Text(multiline=True, default="", placeholder="e.g. peonies and swallows")],
    style: Annotated[str, Combo(options=list(STYLES), default="floral")],
    color_palette: Annotated[str, Text(default="", placeholder="e.g. navy, ivory, terracotta")],
    repeat_type: Annotated[str, Combo(options=list(REPEATS), default="seamless")],
    use: Annotated[str, Combo(options=list(USES), default="apparel")],
    extra_details: Annotated[str, Text(multiline=True, default="")],
) -> str:
    """A textile print design prompt: flat artwork that repeats."""
    subject = require(motif, "motif")
    colours = split_list(color_palette)
    palette = (f"Use a limited palette of {', '.join(colours)}" if colours
               else "Use a limited, harmonious palette")
    return paragraph(
        f"Flat, print-ready textile design: {choose(STYLES, style, 'style')} featuring {subject}",
        palette,
        f"Arrange it as {choose(REPEATS, repeat_type, 'repeat_type')}",
        f"Intended for {choose(USES, use, 'use')}",
        "Show the flat 2D artwork straight on with even lighting: no fabric folds, shadows, "
        "mock-ups, text or watermarks",
        extra_details,
    )
