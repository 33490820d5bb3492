"""Fixtures of the jobs tests: one real redis-server for the whole session (started
only when a Redis test runs), and a fresh key prefix per test so tests never see
each other's jobs."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.jobs.redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"
