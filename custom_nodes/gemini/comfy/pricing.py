"""What ComfyUI's Gemini nodes cost, read from the same "gemini" price table as our
own Gemini nodes: image rows ``model/image_size`` per image, text rows per million
tokens. ComfyUI's model choices are mapped to Google's model ids first (generate.py's
MODEL_IDS); a model or size without a row is "unknown", never 0."""
from __future__ import annotations

from typing import Any, Mapping

from keroro_graph.api import Price

from .generate import MODEL_IDS


def _image(values: Mapping[str, Any]) -> dict[str, Any] | None:
    if str(values.get("response_modalities", "IMAGE")) == "TEXT":
        return None  # no image made: priced per token, not per image
    size = str(values.get("resolution") or "1K")  # GeminiImageNode has no resolution: 1K images
    return {"model": MODEL_IDS[str(values["model"])], "image_size": size}


def _text(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"model": MODEL_IDS[str(values["model"])], "prompt": values["prompt"]}


_IMAGE_ROW = ("model", "image_size")
#: GeminiImage2Node, GeminiNanoBanana2: one image of the chosen resolution.
IMAGE = Price("gemini", key=_IMAGE_ROW, derive=_image, reads=("model", "resolution", "response_modalities"))
#: GeminiImageNode (gemini-2.5-flash-image, 1K).
IMAGE_1K = Price("gemini", key=_IMAGE_ROW, derive=_image, reads=("model",))
#: GeminiNode: the prompt as input tokens (one per character, an upper bound) and up to
#: 4,096 output tokens; attached images, audio and files are not counted.
TEXT = Price("gemini", key=("model",), tokens=("prompt",), derive=_text, reads=("model", "prompt"))
