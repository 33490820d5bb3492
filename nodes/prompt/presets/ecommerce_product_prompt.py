"""EcommerceProductPrompt: build a product-photo prompt for an image provider from a
product description and a few photographic choices (our own node).

The product description and extra details may be written in English or Chinese;
they are placed into the English prompt as written.
"""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import Combo, Text, node
from nodes.prompt.presets._compose import choose, paragraph, require

SCENES = {
    "pure white background": "on a seamless pure white background with a soft, natural contact shadow",
    "studio gradient": "in front of a smooth studio backdrop with a subtle tonal gradient",
    "lifestyle home": "in a tidy modern home that suggests how it is used, the background softly out of focus",
    "outdoor natural": "outdoors in natural surroundings that suit it, the background softly out of focus",
    "marble tabletop": "on a clean marble tabletop with a few understated props",
    "podium display": "on a simple geometric display podium in a minimalist set",
    "flat lay": "arranged as a neat flat lay on a clean surface",
}
LIGHTING = {
    "soft studio": "soft, even studio light from large diffused sources",
    "bright high-key": "bright high-key light with very light shadows",
    "dramatic low-key": "dramatic low-key light with controlled highlights against a darker surround",
    "natural window light": "natural daylight from a window to one side",
    "golden hour": "warm, low golden-hour sunlight",
    "rim light": "a clear rim light that separates its outline from the background",
}
CAMERA_ANGLES = {
    "front": "a straight-on front view at product height",
    "three-quarter": "a three-quarter view showing the front and one side",
    "top-down": "a top-down view from directly above",
    "low angle": "a slightly low angle that gives it presence",
    "close-up detail": "a close-up that shows material texture and fine details",
}


@node("EcommerceProductPrompt")
def ecommerce_product_prompt(
    product_description: Annotated[str, Text(
        multiline=True, default="", placeholder="e.g. a matte black ceramic coffee mug with a bamboo lid")],
    scene: Annotated[str, Combo(options=list(SCENES), default="pure white background")],
    lighting: Annotated[str, Combo(options=list(LIGHTING), default="soft studio")],
    camera_angle: Annotated[str, Combo(options=list(CAMERA_ANGLES), default="three-quarter")],
    extra_details: Annotated[str, Text(multiline=True, default="")],
) -> str:
    """A product-photography prompt for e-commerce listings."""
    product = require(product_description, "product_description")
    return paragraph(
        f"Professional e-commerce product photograph of {product}",
        f"The product is shown {choose(SCENES, scene, 'scene')}, "
        f"lit by {choose(LIGHTING, lighting, 'lighting')}, "
        f"seen in {choose(CAMERA_ANGLES, camera_angle, 'camera_angle')}",
        "The product is the clear hero of the frame: sharp focus, accurate colours, true-to-life "
        "materials, clean edges and correct proportions, with nothing else competing for attention",
        "Do not add text, watermarks, price tags or graphics beyond what is on the product itself",
        extra_details,
    )

