"""Settings and a registry with the test ComfyUI pack (tests/fixtures/comfy_packs)
loaded beside the usual fixture packs (tests/conftest.py's ``runtime`` uses them), and
a real loopback server."""
from __future__ import annotations

from pathlib import Path
import pytest
from aiohttp.test_utils import TestClient

from keroro_graph.registry.loader import load_registry
from keroro_graph.registry.registry import Registry
from keroro_graph.server.app import create_app
from keroro_graph.settings import Settings
from tests.conftest import FIXTURE_PACKS

COMFY_PACKS = Path(__file__).resolve().parents[1] / "fixtures" / "comfy_packs"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[FIXTURE_PACKS, COMFY_PACKS])


@pytest.fixture
def registry(settings: Settings) -> Registry:
    settings.ensure_dirs()
    return load_registry(custom_dirs=settings.custom_nodes_dirs, paths=settings.paths)


@pytest.fixture
async def client(settings: Settings, registry: Registry, aiohttp_client) -> TestClient:
    return await aiohttp_client(create_app(settings, registry=registry))
