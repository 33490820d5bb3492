"""RunningHub's provider declaration."""
from __future__ import annotations

from keroro_graph.api import ProviderInfo, api_key

PROVIDER = ProviderInfo(
    "runninghub", "RunningHub", api_key("RUNNINGHUB_API_KEY"),
    "https://www.runninghub.cn",
    regions={"cn": "https://www.runninghub.cn", "intl": "https://www.runninghub.ai"},
    limit=1, docs_url="https://www.runninghub.cn/runninghub-api-doc/")
