"""The OpenAI-compatible pack's provider declarations: the OhMyGPT and CherryIN
relays, and "openai_custom" — any other OpenAI-compatible endpoint (OpenAI itself, a
relay, a local server) whose base URL or region the user sets."""
from __future__ import annotations

from keroro_graph.api import ProviderInfo, api_key

from .models import DEFAULT_MODELS

OHMYGPT = ProviderInfo(
    "ohmygpt", "OhMyGPT", api_key("OHMYGPT_API_KEY"), "https://api.ohmygpt.com/v1",
    models=DEFAULT_MODELS["ohmygpt"], docs_url="https://docs.ohmygpt.com/")

CHERRYIN = ProviderInfo(
    "cherryin", "CherryIN", api_key("CHERRYIN_API_KEY"), "https://open.cherryin.net/v1",
    regions={"net": "https://open.cherryin.net/v1", "cc": "https://open.cherryin.cc/v1",
             "ai": "https://open.cherryin.ai/v1"},
    models=DEFAULT_MODELS["cherryin"], docs_url="https://open.cherryin.net/")

OPENAI_CUSTOM = ProviderInfo(
    "openai_custom", "OpenAI-compatible (custom endpoint)", api_key("OPENAI_API_KEY"),
    "https://api.openai.com/v1",
    # ComfyUI's OpenAI nodes call this provider: OpenAI itself, or a relay chosen here.
    regions={"openai": "https://api.openai.com/v1", "ohmygpt": "https://api.ohmygpt.com/v1",
             "cherryin": "https://open.cherryin.net/v1"},
    models={"chat": ("gpt-4o-mini", "gpt-4o"), "image": ("gpt-image-1",)})
