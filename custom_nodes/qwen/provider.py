"""The Qwen pack's provider declaration: Alibaba Cloud DashScope (百炼)."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.api import ProviderInfo, api_key

from .choices import CHAT_MODELS, IMAGE_MODELS, REGIONS

PROVIDER = ProviderInfo(
    "dashscope", "Qwen (DashScope / 百炼)", api_key("DASHSCOPE_API_KEY"),
    REGIONS["beijing"], regions=dict(REGIONS),
    models={"chat": CHAT_MODELS, "image": IMAGE_MODELS},
    docs_url="https://help.aliyun.com/zh/model-studio/",
    prices=Path(__file__).with_name("prices.json"))
