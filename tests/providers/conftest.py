"""Provider tests run the real packs from custom_nodes/ through a real Runtime (the
engine, job service and provider hub), pointed at the fake servers in tests/fakes/.
Retries and polls are scaled down so a task of seconds takes milliseconds."""
from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from keroro_graph.providers.retry import RetryPolicy
from keroro_graph.registry import Registry, load_registry
from keroro_graph.runtime import Runtime, build_runtime
from keroro_graph.settings import REPO_ROOT, Settings
from tests.conftest import FIXTURE_PACKS

PACKS = REPO_ROOT / "custom_nodes"


@pytest.fixture(scope="session")
def full_registry() -> Registry:
    """Built-in nodes, every provider pack, and the test packs."""
    return load_registry(custom_dirs=[PACKS, FIXTURE_PACKS])


@pytest.fixture
async def prt(tmp_path: Path, full_registry: Registry, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Runtime]:
    """A started runtime with fast retries and polls and no credentials from the
    developer's environment."""
    for name in list(__import__("os").environ):
        if name.startswith("KERORO_") or name.endswith(("_API_KEY", "_ACCESS_KEY", "_SECRET_KEY", "_API_TOKEN")):
            monkeypatch.delenv(name, raising=False)
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS])
    rt = build_runtime(settings, registry=full_registry)
    rt.providers.retry = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_total_s=5)
    rt.providers.poll_scale = 0.01
    await rt.start()
    try:
        yield rt
    finally:
        await rt.close()


def configure(rt: Runtime, provider: str, base_url: str, **secrets: str) -> None:
    """Point ``provider`` at a fake and give it credentials."""
    rt.provider_settings.update(provider, {"base_url": base_url})
    for name, value in secrets.items():
        rt.secrets.set(provider, name, value)


def pack_module(registry: Registry, class_type: str, name: str) -> Any:
    """Module ``name`` of the pack that declares ``class_type``, as the loader named it."""
    import sys
    return sys.modules[f"{registry[class_type].python_module.rsplit('.nodes.', 1)[0]}.{name}"]


def only(graph_outputs: dict[str, Any], node_id: str) -> Any:
    return graph_outputs[node_id]
