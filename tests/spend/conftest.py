"""Fixtures for the cost tests: the provider tests' registry (every pack loaded), and
an app with the Kling fake's base URL and keys set through the API."""
from __future__ import annotations

import pytest

from keroro_graph.server.app import create_app
from keroro_graph.server.keys import RUNTIME
from keroro_graph.settings import Settings
from tests.conftest import FIXTURE_PACKS
from tests.fakes.kling import ACCESS_KEY, SECRET_KEY, KlingFake
from tests.providers.conftest import PACKS, full_registry  # noqa: F401


@pytest.fixture
async def api(tmp_path, full_registry, aiohttp_client):  # noqa: F811
    """(client, Kling fake) with 8 job workers; fake tasks finish on their first poll."""
    settings = Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[PACKS, FIXTURE_PACKS], max_jobs=8)
    client = await aiohttp_client(create_app(settings, registry=full_registry))
    client.app[RUNTIME].providers.poll_scale = 0.01
    async with KlingFake(steps=()) as fake:
        await client.put("/api/providers/kling/settings", json={"base_url": fake.url})
        await client.put("/api/providers/kling/secrets", json={"access_key": ACCESS_KEY, "secret_key": SECRET_KEY})
        yield client, fake
