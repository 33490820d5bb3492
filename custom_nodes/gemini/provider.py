"""The Gemini pack's provider declarations: Google's Gemini API, and the relays
(Comfly, T8Star) whose Gemini-native passthrough its relay nodes call."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.api import ProviderInfo, api_key

from .options import IMAGE_MODELS, RELAY_IMAGE_MODELS, VISION_MODELS

PRICES = Path(__file__).with_name("prices.json")

PROVIDER = ProviderInfo(
    "gemini", "Google Gemini", api_key("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "https://generativelanguage.googleapis.com/v1beta",
    # A relay's Gemini-native passthrough (spec §4.4), chosen here, serves ComfyUI's Gemini nodes too.
    regions={"google": "https://generativelanguage.googleapis.com/v1beta",
             "comfly": "https://ai.comfly.chat/v1beta", "t8star": "https://ai.t8star.cn/v1beta"},
    models={"image": IMAGE_MODELS, "chat": VISION_MODELS},
    docs_url="https://ai.google.dev/gemini-api/docs", prices=PRICES)

COMFLY = ProviderInfo(
    "comfly", "Comfly", api_key(), "https://ai.comfly.chat",
    regions={"default": "https://ai.comfly.chat", "hk": "https://hk-api.gptbest.vip",
             "gptbest": "https://api.gptbest.vip"},
    models={"image": RELAY_IMAGE_MODELS}, prices=PRICES)

T8STAR = ProviderInfo(
    "t8star", "T8Star", api_key(), "https://ai.t8star.cn", models={"image": RELAY_IMAGE_MODELS}, prices=PRICES)
