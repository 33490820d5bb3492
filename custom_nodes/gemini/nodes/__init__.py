"""The Gemini pack's nodes, one per file: GeminiVision, GeminiImage (native API) and
GeminiRelayImage (Comfly / T8Star)."""
from . import gemini_image, gemini_relay_image, gemini_vision

__all__ = ["gemini_image", "gemini_relay_image", "gemini_vision"]
