"""Shared fixtures: settings on a temporary user folder, a registry loaded through the
real loader (built-in nodes plus the fixture packs), and a started Runtime."""
from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any, AsyncIterator

import pytest

from keroro_graph.engine.events import Event
from keroro_graph.jobs.backend import JobRecord
from keroro_graph.registry import Registry, load_registry
from keroro_graph.registry.providers import ProviderInfo
from keroro_graph.runtime import Runtime, build_runtime
from keroro_graph.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PACKS = FIXTURES / "custom_nodes"
SHIPPED_PACKS = REPO_ROOT / "custom_nodes"
_shipped: dict[str, ProviderInfo] = {}


def shipped_providers() -> dict[str, ProviderInfo]:
    """The providers the shipped packs in custom_nodes/ declare (loaded once)."""
    if not _shipped:
        _shipped.update(load_registry(custom_dirs=[SHIPPED_PACKS]).providers)
    return dict(_shipped)


@pytest.fixture(autouse=True)
def _thawed_heap() -> Any:
    """Large documents freeze what is alive (keroro_graph/heap.py); in the test process
    that would keep earlier tests' garbage from later tests' collections, so each test
    ends with everything back in the collector's generations."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Built-in nodes and the fixture packs; Settings knows the shipped packs'
    providers (as a default install does), so tests may set their keys."""
    loaded = load_registry(custom_dirs=[FIXTURE_PACKS])
    loaded.providers.update(shipped_providers())
    return loaded


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(user_dir=tmp_path / "user", custom_nodes_dirs=[FIXTURE_PACKS])


class Recorder:
    """Collects every event on the bus, for assertions about order and overlap."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type, job_id: str | None = None) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind) and (job_id is None or e.job_id == job_id)]

    def index(self, kind: type, **match: Any) -> int:
        for i, e in enumerate(self.events):
            if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items()):
                return i
        raise AssertionError(f"no {kind.__name__} with {match}")


@pytest.fixture
async def runtime(settings: Settings, registry: Registry) -> AsyncIterator[Runtime]:
    rt = build_runtime(settings, registry=registry)
    await rt.start()
    try:
        yield rt
    finally:
        await rt.close()


@pytest.fixture
def recorder(runtime: Runtime) -> Recorder:
    rec = Recorder()
    runtime.bus.subscribe(rec)
    return rec


async def run_graph(rt: Runtime, graph: dict[str, Any], timeout_s: float = 30, **kw: Any) -> JobRecord:
    """Submit through the one public path and wait for the job to end."""
    submitted = await rt.jobs.submit(graph, **kw)
    assert submitted.accepted, submitted.as_json()
    return await rt.jobs.wait(submitted.prompt_id, timeout_s=timeout_s)


def chain(n: int, start: int = 1) -> dict[str, Any]:
    """TestConst → n × TestAdd → TestOutput."""
    graph: dict[str, Any] = {"0": {"class_type": "TestConst", "inputs": {"value": start}}}
    for i in range(1, n + 1):
        graph[str(i)] = {"class_type": "TestAdd", "inputs": {"a": [str(i - 1), 0], "b": 1}}
    graph["out"] = {"class_type": "TestOutput", "inputs": {"source": [str(n), 0]}}
    return graph


async def until(predicate: Any, timeout_s: float = 10.0) -> None:
    """Wait until ``predicate()`` holds (polling); fails the test on timeout."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)
