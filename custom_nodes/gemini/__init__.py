"""Google Gemini: vision and image generation through the native Gemini API
(``GeminiVision``, ``GeminiImage``, provider "gemini") and the same image models
through the Comfly and T8Star relays (``GeminiRelayImage``, providers "comfly" and
"t8star"; spec §3 and §4).

The relay route lives in this pack rather than a pack of its own because it serves
the same models with the same vocabulary (aspect ratios, image sizes, input frames
under the 20 MB inline limit) and the same trick of finding images inside text; it
keeps its own client module (``relay_client.py``) since it speaks the OpenAI wire
format, not Gemini's.
"""
from . import comfy, nodes

__all__ = ["comfy", "nodes"]
