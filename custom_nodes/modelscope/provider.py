"""ModelScope's provider declaration (魔搭 API-Inference)."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.api import Credential, ProviderInfo

from .choices import IMAGE_MODELS

PROVIDER = ProviderInfo(
    "modelscope", "ModelScope (魔搭)", (Credential("token", "Access token", ("MODELSCOPE_API_TOKEN",)),),
    "https://api-inference.modelscope.cn/v1",
    models={"image": IMAGE_MODELS},
    docs_url="https://modelscope.cn/docs/model-service/API-Inference/intro",
    prices=Path(__file__).with_name("prices.json"))
