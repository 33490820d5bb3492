"""SiliconFlow's provider declaration (硅基流动)."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.api import ProviderInfo, api_key

from .models import CHAT_MODELS, IMAGE_MODELS, VIDEO_MODELS

PROVIDER = ProviderInfo(
    "siliconflow", "SiliconFlow (硅基流动)", api_key("SILICONFLOW_API_KEY"),
    "https://api.siliconflow.cn/v1",
    regions={"cn": "https://api.siliconflow.cn/v1", "intl": "https://api.siliconflow.com/v1"},
    models={"chat": CHAT_MODELS, "image": IMAGE_MODELS, "video": VIDEO_MODELS},
    docs_url="https://docs.siliconflow.cn/",
    prices=Path(__file__).with_name("prices.json"))
