"""Kling's provider declaration: credentials, regions, limit, models, prices."""
from __future__ import annotations

from pathlib import Path

from keroro_graph.api import Credential, ProviderInfo

from .models import IMAGE_MODELS, VIDEO_MODELS

PROVIDER = ProviderInfo(
    "kling", "Kling (可灵)",
    (Credential("access_key", "Access key", ("KLING_ACCESS_KEY",)),
     Credential("secret_key", "Secret key", ("KLING_SECRET_KEY",))),
    "https://api-singapore.klingai.com",
    regions={"global": "https://api-singapore.klingai.com", "legacy": "https://api.klingai.com",
             "china": "https://api-beijing.klingai.com"},
    limit=2,
    models={"video": VIDEO_MODELS, "image": IMAGE_MODELS},
    docs_url="https://app.klingai.com/global/dev/document-api",
    prices=Path(__file__).with_name("prices.json"))
